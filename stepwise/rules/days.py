"""How Stepwise writes and walks days: weekday names, a day on a page, a date in a letter,
the weekdays (the days a register may be kept) between two days."""

from datetime import date, timedelta

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS = WEEKDAY_NAMES[:5]  # the days a register is kept
SESSION_NAMES = ("morning", "afternoon")  # the register's AM and PM sessions


def day_label(day: date) -> str:
    """Return a school day as a page names it: "Monday 7 December"."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%B}"


def long_date(day: date) -> str:
    """Return a date as a letter or a document writes it: "7 December 2026"."""
    return f"{day.day} {day:%B %Y}"


def weekdays(first: date, last: date) -> list[date]:
    """Return the weekdays from `first` to `last`, both included (none if `last` comes first)."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


def next_weekday(day: date) -> date:
    """Return the first weekday after `day` (a Friday's is the Monday after)."""
    return day + timedelta(days=3 if day.weekday() == 4 else 2 if day.weekday() == 5 else 1)
