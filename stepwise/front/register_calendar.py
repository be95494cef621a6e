"""Lay one student's term register out as weeks of days, each with its morning and afternoon mark.

Every mark carries its category (for colour), its code (so colour is never the
only signal) and a sentence a screen reader can read on its own.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from stepwise.rules.calendar import Calendar
from stepwise.rules.days import SESSION_NAMES, day_label
from stepwise.rules.pack import Code, Pack

# Category keys double as CSS modifiers: .sw-mark--<key>.
PRESENT = "present"
PRESENT_AWAY = "present-away"
JUSTIFIED = "justified"
UNJUSTIFIED = "unjustified"
NOT_COUNTED = "not-counted"
UNMARKED = "unmarked"
CLOSED = "closed"


def category_labels(pack: Pack) -> dict[str, str]:
    """Return the legend's label for each category, in the pack's own words."""
    return {
        PRESENT: "Present",
        PRESENT_AWAY: "Present, not in class",
        JUSTIFIED: f"{pack.word('justified').capitalize()} absence",
        UNJUSTIFIED: f"{pack.word('unjustified').capitalize()} absence",
        NOT_COUNTED: "Not counted",
        UNMARKED: "No mark",
        CLOSED: "School closed",
    }


def code_category(code: Code) -> str:
    if code.half_day == "present":
        return PRESENT if code.in_class else PRESENT_AWAY
    if code.half_day == "not_counted":
        return NOT_COUNTED
    return JUSTIFIED if code.category == "justified" else UNJUSTIFIED


@dataclass(frozen=True)
class Mark:
    session: str  # "AM" or "PM"
    code: str  # the code letter, or "" when there is no mark
    category: str
    description: str  # read out in full by screen readers
    future: bool = False  # after the day the figures are counted to: no mark expected yet


@dataclass(frozen=True)
class Day:
    date: date
    open: bool
    closed_reason: str
    marks: tuple[Mark, ...]
    description: str = ""  # for a closed day

    @property
    def label(self) -> str:
        return day_label(self.date)


@dataclass(frozen=True)
class Week:
    monday: date
    days: tuple[Day | None, ...]  # Monday to Friday; None outside the term


def register_weeks(
    *,
    pack: Pack,
    calendar: Calendar,
    term_key: str,
    marks: np.ndarray,
    closed: dict[date, str],
    as_of: date,
    closed_sessions: dict[tuple[date, str], str] | None = None,
) -> list[Week]:
    """Return the term's weeks for one student's row of marks (all the calendar's slots).

    `closed` gives the reasons of whole closed days, `closed_sessions` of half days.
    """
    labels = category_labels(pack)
    codes = {c.index: c for c in pack.codes}
    span = calendar.term_days[term_key]
    by_monday: dict[date, list[Day | None]] = {}
    for i in range(span.start, span.stop):
        day = calendar.dates[i]
        monday = day - timedelta(days=day.weekday())
        week = by_monday.setdefault(monday, [None] * 5)
        if not calendar.open[i]:
            reason = closed.get(day, "Closed")
            week[day.weekday()] = Day(
                date=day,
                open=False,
                closed_reason=reason,
                marks=(),
                description=f"{day_label(day)}: school closed, {reason}",
            )
            continue
        day_marks = []
        for s, session in enumerate(("AM", "PM")):
            index = int(marks[2 * i + s])
            when = f"{day_label(day)}, {SESSION_NAMES[s]}"
            if not calendar.session_is_open(i, s):
                reason = (closed_sessions or {}).get((day, session), "Closed")
                day_marks.append(Mark(session, "", CLOSED, f"{when}: school closed, {reason}"))
                continue
            code = codes.get(index)
            if code is None:
                later = day > as_of
                description = f"{when}: {'not yet marked' if later else 'no mark'}"
                day_marks.append(Mark(session, "", UNMARKED, description, future=later))
                continue
            category = code_category(code)
            description = f"{when}: {code.code}, {code.meaning} ({labels[category].lower()})"
            day_marks.append(Mark(session, code.code, category, description))
        week[day.weekday()] = Day(date=day, open=True, closed_reason="", marks=tuple(day_marks))
    return [Week(monday, tuple(days)) for monday, days in sorted(by_monday.items())]


@dataclass(frozen=True)
class LegendItem:
    category: str
    label: str
    codes: tuple[Code, ...]  # the codes of this category that appear in the term


def legend(pack: Pack, term_marks: np.ndarray) -> list[LegendItem]:
    """Return the calendar's key: each category the pack has, with the codes the term uses."""
    used = set(np.unique(term_marks).tolist())
    possible = {code_category(c) for c in pack.codes} | {UNMARKED, CLOSED}
    by_category: dict[str, list[Code]] = {}
    for c in pack.codes:
        if c.index in used:
            by_category.setdefault(code_category(c), []).append(c)
    return [
        LegendItem(key, label, tuple(by_category.get(key, ())))
        for key, label in category_labels(pack).items()
        if key in possible
    ]
