"""Build the pure engine's calendars from a school's stored terms and closures."""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from stepwise.rules.calendar import Calendar, public_holiday_names
from stepwise.rules.pack import Pack

from .models import ClosureDay, School, Term


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


def _closures(school: School, terms: list[Term]):
    first, last = min(t.start for t in terms), max(t.end for t in terms)
    return school.closures.filter(date__range=(first, last))


def closed_days(school: School, terms: Iterable[Term]) -> dict[date, str]:
    """Return every weekday in the terms when the school is closed all day, with the reason."""
    terms = list(terms)
    if not terms:
        return {}
    whole = _closures(school, terms).filter(session=ClosureDay.Session.WHOLE_DAY)
    return closures_with_holidays(school.rules, terms, dict(whole.values_list("date", "reason")))


def closed_sessions(school: School, terms: Iterable[Term]) -> dict[tuple[date, str], str]:
    """Return the sessions of half days in the terms when the school is closed, with the reason."""
    terms = list(terms)
    if not terms:
        return {}
    halves = _closures(school, terms).exclude(session=ClosureDay.Session.WHOLE_DAY)
    return {
        (day, session): reason
        for day, session, reason in halves.values_list("date", "session", "reason")
    }


def build_calendar(
    pack: Pack,
    terms: Iterable[Term],
    closures: Iterable[date],
    closed_sessions: Iterable[tuple[date, str]] = (),
) -> Calendar:
    """Return the calendar of the terms, closed on public holidays and the given closures."""
    terms = list(terms)
    years = tuple(sorted({d.year for t in terms for d in (t.start, t.end)}))
    holidays = _holidays(pack.country, pack.subdivision, years)
    return Calendar([t.dates for t in terms], set(closures) | set(holidays), closed_sessions)


def school_calendar(school: School, terms: Iterable[Term]) -> Calendar:
    terms = list(terms)
    return build_calendar(
        school.rules, terms, closed_days(school, terms), closed_sessions(school, terms)
    )
