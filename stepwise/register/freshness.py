"""How fresh a school's register is: when it was last updated, and whether the last
school day has marks yet.

A school day with no marks counts nowhere: its half-days are left out of the possible
sessions, so a feed that stopped is invisible in the figures. Pages say so plainly
(stepwise.onboarding.freshness shows it on every school page).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache

from stepwise.schools.calendars import closed_days
from stepwise.schools.models import School, Term

from .models import ImportRun, RegisterTerm

CACHE_SECONDS = 300  # a new import changes the key, so this only spares repeated reads
LOOK_BACK_DAYS = 31  # a school day further back than this is another holiday's business
# Before this local time a day's register is not yet due (the morning's marks are taken at
# the start of the school day), so an early visit looks for the day before instead.
REGISTER_DUE = time(10, 0)


@dataclass(frozen=True)
class Freshness:
    last_updated: datetime | None  # when a register import or push last finished
    last_day: date | None  # the last school day on or before today
    last_day_marked: bool

    @property
    def warn(self) -> bool:
        return self.last_day is not None and not self.last_day_marked


def last_register_run(school: School) -> ImportRun | None:
    """Return the school's latest register import or push that was not refused."""
    return (
        ImportRun.objects.filter(schools=school, kind=ImportRun.Kind.REGISTER)
        .exclude(outcome=ImportRun.Outcome.REJECTED)
        .order_by("-finished_at", "-id")
        .first()
    )


def last_school_day(school: School, today: date) -> tuple[Term, date] | None:
    """Return the term and day of the school's last open day on or before today."""
    terms = list(school.terms.filter(start__lte=today, end__gte=today - timedelta(LOOK_BACK_DAYS)))
    if not terms:
        return None
    closed = closed_days(school, terms)
    for term in sorted(terms, key=lambda t: t.start, reverse=True):
        day = min(today, term.end)
        while day >= term.start:
            if day.weekday() < 5 and day not in closed:
                return term, day
            day -= timedelta(days=1)
    return None


def day_has_marks(term: Term, day: date) -> bool:
    """Return whether any student of the term's school has a mark on the day."""
    am = term.dates.slot(day, "AM")
    for marks in RegisterTerm.objects.filter(term=term).values_list("marks", flat=True).iterator():
        if marks[am] or marks[am + 1]:
            return True
    return False


def register_due_by(now: datetime) -> date:
    """Return the last day whose register is due at this local time: today from REGISTER_DUE."""
    today = now.date()
    return today if now.time() >= REGISTER_DUE else today - timedelta(days=1)


def register_freshness(school: School, now: datetime) -> Freshness:
    """Return when the register was updated and whether its last due school day has marks."""
    run = last_register_run(school)
    due = register_due_by(now)
    key = f"freshness:{school.pk}:{run.pk if run else 0}:{due.isoformat()}"
    found = cache.get(key)
    if found is None:
        last = last_school_day(school, due)
        found = Freshness(
            last_updated=run.finished_at if run else None,
            last_day=last[1] if last else None,
            last_day_marked=day_has_marks(*last) if last else False,
        )
        cache.set(key, found, CACHE_SECONDS)
    return found
