"""Enrolment spells: a child's stays at a school, which never overlap.

A day is in enrolment when any spell covers it. A roster row is matched to the
spells already held by its dates: one it overlaps is that spell corrected, one that
overlaps none is a new spell (the child came back), and one that overlaps two would
join them, which is refused: the school ends or corrects one of them first.
"""

from datetime import date

OPEN = date.max  # the last day of a spell with no end


def overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    """Return whether two spells (first day, last day or None) share a day."""
    return a[0] <= (b[1] or OPEN) and b[0] <= (a[1] or OPEN)


def describe(start: date, end: date | None) -> str:
    """Return a spell's dates as a message names them."""
    return f"from {start.isoformat()} " + (f"to {end.isoformat()}" if end else "with no end")
