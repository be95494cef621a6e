"""Writes for the AMP dashboard: the school's regular-attendance target for each term."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from stepwise.schools.models import Term, TermTarget


class TargetError(ValueError):
    """A target is not a percentage the plan can hold."""


def parse_target(text: str) -> Decimal | None:
    """Return a target from a form's text ("85", "85.5", "85%"); None when left empty."""
    text = text.strip().removesuffix("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise TargetError("Enter the target as a number, like 85 or 85.5") from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise TargetError("Enter a target between 0 and 100")
    if value != value.quantize(Decimal("0.1")):
        raise TargetError("Enter the target to at most one decimal place, like 85.5")
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def term_target_set(*, term: Term, regular_percent: Decimal | None) -> bool:
    """Set a term's regular-attendance target (None: back to the pack's default).

    Return whether anything changed.
    """
    current = TermTarget.objects.filter(term=term).first()
    if regular_percent is None:
        if current is None:
            return False
        current.delete()
        return True
    if not Decimal(0) <= regular_percent <= Decimal(100):
        raise TargetError("Enter a target between 0 and 100")
    if current is None:
        TermTarget.objects.create(term=term, regular_percent=regular_percent)
        return True
    if current.regular_percent == regular_percent:
        return False
    TermTarget.objects.filter(pk=current.pk).update(regular_percent=regular_percent)
    return True
