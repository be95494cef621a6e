"""Build the pure engine's calendars from a school's stored terms and closures."""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from stepwise.rules.calendar import Calendar, public_holiday_names
from stepwise.rules.pack import Pack

from .models import School, Term


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, years: tuple[int, ...]) -> dict[date, str]:
    return public_holiday_names(country, subdivision, years)


def closures_with_holidays(
    pack: Pack, terms: Iterable[Term], closures: dict[date, str]
) -> dict[date, str]:
    """Return the school's closures plus the public holidays of the terms' years, with reasons."""
    years = tuple(sorted({d.year for t in terms for d in (t.start, t.end)}))
    closed = {
        d: f"Public holiday: {name}"
        for d, name in _holidays(pack.country, pack.subdivision, years).items()
    }
    closed.update(closures)
    return closed


def closed_days(school: School, terms: Iterable[Term]) -> dict[date, str]:
    """Return every weekday in the terms when the school is closed, with the reason."""
    terms = list(terms)
    if not terms:
        return {}
    first, last = min(t.start for t in terms), max(t.end for t in terms)
    closures = dict(school.closures.filter(date__range=(first, last)).values_list("date", "reason"))
    return closures_with_holidays(school.rules, terms, closures)


def build_calendar(pack: Pack, terms: Iterable[Term], closures: Iterable[date]) -> Calendar:
    """Return the calendar of the terms, closed on public holidays and the given closures."""
    terms = list(terms)
    years = tuple(sorted({d.year for t in terms for d in (t.start, t.end)}))
    holidays = _holidays(pack.country, pack.subdivision, years)
    return Calendar([t.dates for t in terms], set(closures) | set(holidays))


def school_calendar(school: School, terms: Iterable[Term]) -> Calendar:
    terms = list(terms)
    return build_calendar(school.rules, terms, closed_days(school, terms))
