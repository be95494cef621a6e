"""School days by a jurisdiction's usual calendar: its terms, their breaks, its public holidays.

A child on no school's roll has no school calendar of their own; what they miss is
counted by the one their jurisdiction's schools keep by default (the pack's terms).
"""

from collections.abc import Iterable
from datetime import date, timedelta

from .calendar import Calendar, TermDates, public_holidays
from .pack import Pack, default_terms, school_year_of


def pack_calendar(
    pack: Pack,
    years: Iterable[int],
    closures: Iterable[date] = (),
    closed_sessions: Iterable[tuple[date, str]] = (),
) -> Calendar:
    """Return the calendar of the pack's usual terms of the school years (at least one).

    Closed days are the public holidays, the terms' own breaks and `closures`;
    `closed_sessions` close one session of a day (a half day).
    """
    defaults = [t for y in years for t in default_terms(pack, y)]
    terms = [TermDates(t.key, t.name, t.year, t.start, t.end) for t in defaults]
    spanned = range(min(t.start.year for t in terms), max(t.end.year for t in terms) + 1)
    closed = public_holidays(pack.country, pack.subdivision, spanned)
    for t in defaults:
        for first, last, _why in t.closed:
            closed.update(days_from(first, last))
    closed.update(closures)
    return Calendar(terms, closed, closed_sessions)


def school_days_between(pack: Pack, first: date, last: date) -> int | None:
    """Return the open school days from `first` to `last`, both counted, by the pack's terms.

    None when the pack has no term dates for one of those school years: a count that
    left a year out would be wrong, not about right.
    """
    if last < first:
        return 0
    years = range(school_year_of(pack, first), school_year_of(pack, last) + 1)
    if any(not default_terms(pack, y) for y in years):
        return None
    calendar = pack_calendar(pack, years)
    return sum(
        1
        for day, is_open in zip(calendar.dates, calendar.open, strict=True)
        if is_open and first <= day <= last
    )


def days_from(first: date, last: date) -> Iterable[date]:
    """Yield every day from `first` to `last`, both included."""
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)
