"""A half day on the pages and papers that show a register: the closed session is no gap.

The student page's register calendar shows the closed session as closed, with its reason;
a certificate counts neither its mark nor a missing one, and prints nothing in it.
"""

from datetime import date

import numpy as np

from stepwise.certificates.render import _marks
from stepwise.front.register_calendar import CLOSED, register_weeks
from stepwise.rules.calendar import Calendar, TermDates
from stepwise.rules.certificate import certificate_rows
from stepwise.rules.pack import load_pack

NZ = load_pack("nz")
MONDAY = date(2026, 2, 2)
FRIDAY = date(2026, 2, 6)


def _week(*closed: tuple[date, str]) -> Calendar:
    return Calendar([TermDates("2026T1", "Term 1 2026", 2026, MONDAY, FRIDAY)], set(), closed)


def _marks_row(calendar: Calendar) -> np.ndarray:
    marks = np.full(calendar.width, NZ.code_index["P"], dtype=np.uint8)
    marks[1] = NZ.code_index["T"]  # Monday afternoon, closed below
    marks[3] = 0  # Tuesday afternoon, closed below, no mark
    return marks


def test_the_register_calendar_shows_a_closed_afternoon_with_its_reason():
    calendar = _week((MONDAY, "PM"))
    (week,) = register_weeks(
        pack=NZ, calendar=calendar, term_key="2026T1", marks=_marks_row(calendar), closed={},
        as_of=FRIDAY, closed_sessions={(MONDAY, "PM"): "Staff meeting"},
    )  # fmt: skip
    monday = week.days[0]
    assert monday.open
    am, pm = monday.marks
    assert (am.code, am.category) == ("P", "present")
    assert (pm.code, pm.category) == ("", CLOSED)
    assert pm.description.endswith("afternoon: school closed, Staff meeting")


def test_a_certificate_counts_no_mark_and_no_gap_on_a_closed_session():
    calendar = _week((MONDAY, "PM"), (date(2026, 2, 3), "PM"))
    rows = certificate_rows(NZ, calendar, _marks_row(calendar), first=MONDAY, last=FRIDAY)
    # Ten sessions less the two closed afternoons: the T and the gap behind them vanish.
    assert (rows.totals.possible, rows.totals.unjustified, rows.totals.missing) == (8, 0, 0)
    monday = rows.days[0]
    assert monday.shut == ("PM",)
    assert _marks(monday, "") == ("P", "")
