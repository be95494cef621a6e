"""How long each kind of record is kept: one rule per record type, overridable in settings.

Each rule is a number of years counted from a clock that depends on the record type
(the event itself, the end of the student's enrolment, ...). The defaults below are
a starting point, not legal advice: an organisation sets its own in
``settings.STEPWISE_RETENTION`` (same keys; a whole number of years, at least 1, or
``None`` to keep that kind of record for good) after checking its records disposal
schedule. docs/privacy.md explains each default.

`stepwise retention` applies the rules (stepwise.privacy.services.retention_run).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

# The usual limitation period for civil claims in both New Zealand (Limitation Act 2010)
# and England (Limitation Act 1980) is 6 years; a year's margin gives 7.
LIMITATION_PLUS_A_YEAR = 7


@dataclass(frozen=True)
class Rule:
    kind: str  # the record type, as in STEPWISE_RETENTION and Tombstone.kind
    default_years: int
    clock: str  # what the years are counted from
    reason: str

    def text(self, years: int) -> str:
        return f"{self.kind}: {years} year{'s' if years != 1 else ''} {self.clock}"


# In the order `stepwise retention` applies them: a student's responses and referrals go
# before the student record they protect; import runs once the amendments that point at
# them have gone with their register.
RULES: tuple[Rule, ...] = (
    Rule(
        "response_activity",
        LIMITATION_PLUS_A_YEAR,
        "after the student's enrolment at the school ended (never while enrolled)",
        "The school's record of what it did about a child's absence, and possible evidence "
        "in a later referral, prosecution or complaint: kept while the child is enrolled, "
        "then for the 6-year limitation period for civil claims plus a year.",
    ),
    Rule(
        "referral",
        LIMITATION_PLUS_A_YEAR,
        "after the student's enrolment at the referring school ended (never while enrolled)",
        "The school's referral to an attendance service, the hinge of any statutory "
        "intervention: kept as long as the responses that led to it.",
    ),
    Rule(
        "student",
        LIMITATION_PLUS_A_YEAR,
        "after the student's enrolment at the school ended (each school's record is its "
        "own), once none of its responses or referrals remain; with its enrolment, register, "
        "amendments, threshold events, caregiver links, and caregivers linked to no other "
        "student",
        "The core record (identity, enrolments, every register mark and its amendments): "
        "the evidence the responses and referrals rest on, so it goes with them and never "
        "before. Check any statutory minimum for attendance registers where you are.",
    ),
    Rule(
        "import_run",
        2,
        "after the import finished (never while an amendment it made is kept)",
        "An operational log: file names, hashes, who imported, and error messages that may "
        "quote rows of a rejected file. Two years covers troubleshooting this school year "
        "and the next; a run that amended marks is the evidence of where a changed mark "
        "came from, so it stays as long as those amendments do.",
    ),
    Rule(
        "audit_event",
        LIMITATION_PLUS_A_YEAR,
        "after the event",
        "Who saw, exported or changed a child's record, from where: long enough to answer a "
        "complaint, an investigation or a claim (the 6-year limitation period plus a year).",
    ),
)
RULES_BY_KIND = {rule.kind: rule for rule in RULES}
DEFAULT_RETENTION: dict[str, int | None] = {rule.kind: rule.default_years for rule in RULES}


def retention_years() -> dict[str, int | None]:
    """Return the years each kind of record is kept: the defaults, overridden by settings.

    Raise ImproperlyConfigured for an unknown record type or a value that is not a whole
    number of years (at least 1) or None.
    """
    chosen = getattr(settings, "STEPWISE_RETENTION", None) or {}
    if not isinstance(chosen, dict):
        raise ImproperlyConfigured("STEPWISE_RETENTION must be a dict of record type to years")
    unknown = sorted(set(chosen) - set(DEFAULT_RETENTION))
    if unknown:
        raise ImproperlyConfigured(
            f"STEPWISE_RETENTION names unknown record types {', '.join(unknown)} "
            f"(known: {', '.join(DEFAULT_RETENTION)})"
        )
    for kind, years in chosen.items():
        if years is not None and (
            isinstance(years, bool) or not isinstance(years, int) or years < 1
        ):
            raise ImproperlyConfigured(
                f"STEPWISE_RETENTION[{kind!r}] must be a whole number of years (at least 1) "
                f"or None to keep for good, not {years!r}"
            )
    return {**DEFAULT_RETENTION, **chosen}


def years_before(day: date, years: int) -> date:
    """Return the same day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def start_of(day: date) -> datetime:
    """Return the first moment of the day, in the installation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))
