"""The register engine in focused cases; the worked examples live in stepwise/rules/golden/."""

from datetime import date, timedelta

import numpy as np
import pytest

from stepwise.rules.calendar import Calendar, TermDates
from stepwise.rules.engine import count_sessions, evaluate
from stepwise.rules.pack import load_pack

NZ = load_pack("nz")
ENGLAND = load_pack("england")
MONDAY = date(2026, 2, 2)


def _calendar(weeks: int = 2, closed: set[date] | None = None) -> Calendar:
    end = MONDAY + timedelta(weeks=weeks, days=-3)  # the Friday of the last week
    return Calendar([TermDates("2026T1", "Term 1 2026", 2026, MONDAY, end)], closed or set())


def _register(pack, calendar: Calendar, *codes: str, rows: int = 1) -> np.ndarray:
    """Return a register whose first sessions hold `codes` and the rest of the term `P`/`/`."""
    marks = np.zeros((rows, calendar.width), dtype=np.uint8)
    marks[:] = pack.code_index["P" if pack.key == "nz" else "/"]
    for slot, code in enumerate(codes):
        marks[:, slot] = 0 if code == "-" else pack.code_index[code]
    return marks


def test_evaluate_refuses_marks_that_are_not_bytes():
    calendar = _calendar()
    marks = _register(NZ, calendar).astype(np.int64)
    with pytest.raises(ValueError, match="uint8"):
        evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13))


def test_evaluate_refuses_a_register_that_does_not_cover_the_calendar():
    calendar = _calendar()
    marks = _register(NZ, calendar)[:, :-2]
    with pytest.raises(ValueError, match="shape"):
        evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13))


def test_evaluate_refuses_a_register_without_a_row_per_student():
    calendar = _calendar()
    marks = _register(NZ, calendar)[0]
    with pytest.raises(ValueError, match="shape"):
        evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13))


def test_evaluate_refuses_a_term_the_calendar_does_not_hold():
    calendar = _calendar()
    with pytest.raises(KeyError):
        evaluate(NZ, calendar, _register(NZ, calendar), term="2026T2", as_of=date(2026, 2, 13))


def test_code_bytes_are_positions_in_the_pack_starting_at_one():
    assert NZ.code_index["P"] == 1
    assert [c.index for c in ENGLAND.codes] == list(range(1, len(ENGLAND.codes) + 1))


def test_an_unknown_code_byte_counts_as_marked_but_never_as_possible():
    calendar = _calendar()
    marks = np.full((1, calendar.width), 250, dtype=np.uint8)
    counts = count_sessions(marks, NZ)
    assert (counts["marked"][0], counts["possible"][0], counts["present"][0]) == (20, 0, 0)
    row = evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13)).row(0)
    assert (row["possible"], row["absent"], row["unmarked"]) == (0, 0, 0)
    assert row["attendance_percent"] is None


def test_byte_zero_is_a_session_still_waiting_for_a_mark():
    calendar = _calendar()
    marks = np.zeros((1, calendar.width), dtype=np.uint8)
    row = evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13)).row(0)
    assert (row["possible"], row["unmarked"]) == (0, 20)


def test_count_sessions_counts_every_category_of_a_row_at_once():
    calendar = _calendar()
    marks = _register(NZ, calendar, "M", "T", "D", "-")  # the rest of the 20 are P
    counts = {k: int(v[0]) for k, v in count_sessions(marks, NZ).items()}
    assert counts == {"marked": 19, "possible": 19, "present": 17, "justified": 2, "unjustified": 1}


def test_each_register_row_is_a_student_of_its_own():
    calendar = _calendar()
    marks = _register(NZ, calendar, rows=2)
    marks[1, :4] = NZ.code_index["T"]
    standings = evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13))
    assert len(standings) == 2
    assert (standings.row(0)["absent"], standings.row(1)["absent"]) == (0, 4)


def test_marks_on_a_closure_day_are_never_counted():
    calendar = _calendar(closed={MONDAY})
    marks = _register(NZ, calendar, "T", "T")  # Monday is closed
    row = evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13)).row(0)
    assert (row["possible"], row["unjustified"], row["unmarked"]) == (18, 0, 0)


def _half_days(*closed: tuple[date, str]) -> Calendar:
    end = MONDAY + timedelta(weeks=2, days=-3)
    return Calendar([TermDates("2026T1", "Term 1 2026", 2026, MONDAY, end)], set(), closed)


def test_a_closed_afternoon_is_not_a_possible_session_but_its_morning_is():
    calendar = _half_days((MONDAY, "PM"))
    marks = _register(NZ, calendar, "T", "T")  # Monday afternoon is closed
    row = evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13)).row(0)
    assert (row["possible"], row["unjustified"], row["unmarked"]) == (19, 1, 0)


def test_a_closed_morning_waits_for_no_mark():
    calendar = _half_days((MONDAY, "AM"))
    marks = _register(NZ, calendar, "-", "-")
    row = evaluate(NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13)).row(0)
    assert (row["possible"], row["unmarked"]) == (18, 1)


def test_closing_both_sessions_closes_the_day():
    calendar = _half_days((MONDAY, "AM"), (MONDAY, "PM"))
    assert not calendar.open[0] and len(calendar.half_closed) == 0
    assert calendar.sessions_before[-1] == 18


def test_a_forecast_counts_the_sessions_left_not_the_days():
    # Absent all four sessions of Mon and Tue: at that rate NZ's first threshold (10
    # sessions absent) is 6 sessions away, Fri 6 Feb. With Wednesday to Friday's
    # afternoons closed those days give 3, so the 6th falls on Tue 10 Feb.
    as_of = MONDAY + timedelta(days=1)
    plain = _calendar()
    halves = _half_days(*((MONDAY + timedelta(days=d), "PM") for d in (2, 3, 4)))
    for calendar, expected in ((plain, date(2026, 2, 6)), (halves, date(2026, 2, 10))):
        marks = _register(NZ, calendar, "T", "T", "T", "T")
        row = evaluate(NZ, calendar, marks, term="2026T1", as_of=as_of).row(0)
        assert row["forecast"] is not None
        assert row["forecast"]["date"] == expected.isoformat(), calendar.half_closed


def test_not_on_roll_marks_before_a_pupil_joins_do_not_hide_unmarked_sessions():
    # Joins on day 5 (the second Monday); Z on days 0-4; days 5-7 marked; days 8-9 empty.
    calendar = _calendar()
    marks = _register(ENGLAND, calendar, *["Z"] * 10, *["/"] * 6, "-", "-", "-", "-")
    enrolled = (np.array([5]), np.array([len(calendar.dates) - 1]))
    standings = evaluate(
        ENGLAND, calendar, marks, term="2026T1", as_of=date(2026, 2, 13), enrolled=enrolled
    )
    assert standings.row(0)["unmarked"] == 4
    assert standings.row(0)["possible"] == 6


def test_a_student_not_enrolled_in_the_term_has_nothing_waiting():
    calendar = _calendar()
    marks = np.zeros((1, calendar.width), dtype=np.uint8)
    enrolled = (np.array([len(calendar.dates)]), np.array([len(calendar.dates) + 5]))
    row = evaluate(
        NZ, calendar, marks, term="2026T1", as_of=date(2026, 2, 13), enrolled=enrolled
    ).row(0)
    assert row["unmarked"] == 0


def test_forecast_day_is_exact_when_the_rate_is_not_a_round_fraction():
    # A 25-week term with no closures, evaluated after 61 school days (122 half-days)
    # with 5 absent: amp5 needs 5 more at 5/122 a half-day = exactly 122 half-days,
    # i.e. the afternoon of the 61st school day after as_of. From Tue 31 Mar: 4 days to
    # Fri 3 Apr, 11 weeks to Fri 19 Jun (59), then Mon 22 Jun (60), Tue 23 Jun (61).
    start = date(2026, 1, 5)
    term = TermDates("2026T1", "Term 1 2026", 2026, start, date(2026, 6, 26))
    calendar = Calendar([term], set())
    as_of = date(2026, 3, 30)
    assert calendar.day_index(as_of) == 60
    marks = _register(NZ, calendar, "M", "M", "M", "M", "M")
    standings = evaluate(NZ, calendar, marks, term="2026T1", as_of=as_of)
    assert standings.row(0)["possible"] == 122
    assert standings.row(0)["forecast"] == {
        "threshold": "amp5",
        "date": "2026-06-23",
        "soon": False,
    }


@pytest.mark.parametrize(
    # (pack, codes that count as present while the student is out of class)
    ("pack", "codes"),
    [(NZ, ("A", "D", "S")), (ENGLAND, ("K", "V", "P", "W", "B"))],
    ids=["nz", "england"],
)
def test_off_site_codes_count_as_present_but_not_in_class(pack, codes):
    for code in codes:
        assert pack.code(code).half_day == "present"
        assert pack.code(code).in_class is False
