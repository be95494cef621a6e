"""Create schools and their calendars."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.rules.pack import default_terms, load_pack, school_year_of

from .models import ClosureDay, School, Term


class SchoolError(ValueError):
    """A school could not be created or changed as asked."""


@transaction.atomic
def school_add(
    *, code: str, name: str, pack: str, school_number: str = "", today: date | None = None
) -> School:
    """Create a school with its organisation and the pack's terms for last, this and next year.

    A school ready for work also needs its Descriptions: stepwise.onboarding's school_setup.
    """
    if School.objects.filter(code=code).exists():
        raise SchoolError(f"a school with id {code!r} already exists")
    rules = load_pack(pack)
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.SCHOOL)
    school = School.objects.create(
        code=code, name=name, pack=pack, school_number=school_number, organisation=organisation
    )
    # The school's first school year is this one where the school is.
    here = ZoneInfo(rules.calendar.time_zone)
    year = school_year_of(rules, today or timezone.localdate(timezone=here))
    for y in (year - 1, year, year + 1):
        terms_add_defaults(school=school, year=y)
    return school


def terms_add_defaults(*, school: School, year: int) -> list[Term]:
    """Add the pack's usual terms and closures for a school year, where not already there."""
    added = []
    for t in default_terms(school.rules, year):
        term, created = Term.objects.get_or_create(
            school=school,
            year=year,
            number=t.number,
            defaults={"name": t.name, "start": t.start, "end": t.end},
        )
        if not created:
            continue
        added.append(term)
        for first, last, reason in t.closed:
            day = first
            while day <= last:
                if day.weekday() < 5:
                    ClosureDay.objects.get_or_create(
                        school=school, date=day, defaults={"reason": reason}
                    )
                day += timedelta(days=1)
    return added
