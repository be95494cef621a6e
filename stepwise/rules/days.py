"""How Stepwise writes days: weekday names, a day on a page, a date in a letter."""

from datetime import date

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS = WEEKDAY_NAMES[:5]  # the days a register is kept
SESSION_NAMES = ("morning", "afternoon")  # the register's AM and PM sessions


def day_label(day: date) -> str:
    """Return a school day as a page names it: "Monday 7 December"."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%B}"


def long_date(day: date) -> str:
    """Return a date as a letter or a document writes it: "7 December 2026"."""
    return f"{day.day} {day:%B %Y}"
