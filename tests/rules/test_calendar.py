"""School calendars: weekday slots, open days and school weeks."""

from datetime import date

import pytest

from stepwise.rules.calendar import Calendar, TermDates, public_holidays

# Two terms of NZ 2026 shape, shortened: Term 1 Mon 2 - Fri 13 Feb, Term 2 Mon 23 Feb - Fri 6 Mar.
TERM1 = TermDates("2026T1", "Term 1 2026", 2026, date(2026, 2, 2), date(2026, 2, 13))
TERM2 = TermDates("2026T2", "Term 2 2026", 2026, date(2026, 2, 23), date(2026, 3, 6))


def test_sessions_are_numbered_two_per_weekday_morning_first():
    assert TERM1.slot(date(2026, 2, 2), "AM") == 0
    assert TERM1.slot(date(2026, 2, 2), "PM") == 1
    assert TERM1.slot(date(2026, 2, 3), "AM") == 2
    assert TERM1.slot(date(2026, 2, 9), "AM") == 10  # the next Monday follows Friday's PM (9)


def test_a_weekend_day_has_no_register_slot():
    with pytest.raises(ValueError, match="not a weekday"):
        TERM1.slot(date(2026, 2, 7), "AM")


def test_a_day_outside_the_term_has_no_register_slot():
    with pytest.raises(ValueError):
        TERM1.slot(date(2026, 2, 16), "AM")


def test_weekends_are_never_stored():
    calendar = Calendar([TERM1, TERM2], closed=set())
    assert all(d.weekday() < 5 for d in calendar.dates)
    assert TERM1.weekdays == 10
    assert TERM1.width == 20
    assert calendar.width == 2 * len(calendar.dates) == 40


def test_terms_take_consecutive_runs_of_slots_in_date_order():
    calendar = Calendar([TERM2, TERM1], closed=set())
    assert [t.key for t in calendar.terms] == ["2026T1", "2026T2"]
    assert calendar.slots("2026T1") == slice(0, 20)
    assert calendar.slots("2026T2") == slice(20, 40)
    assert calendar.day_index(date(2026, 2, 23)) == 10


def test_a_closure_day_keeps_its_slot_but_is_never_a_school_day():
    waitangi = date(2026, 2, 6)
    calendar = Calendar([TERM1], closed={waitangi})
    assert calendar.day_index(waitangi) == 4
    assert not calendar.open[4]
    assert waitangi not in calendar.school_days("2026T1")
    assert len(calendar.school_days("2026T1")) == 9


def test_school_weeks_keep_counting_across_the_break_between_terms():
    calendar = Calendar([TERM1, TERM2], closed=set())
    weeks = calendar.week_number
    assert weeks[calendar.day_index(date(2026, 2, 2))] == 0
    assert weeks[calendar.day_index(date(2026, 2, 13))] == 1
    assert weeks[calendar.day_index(date(2026, 2, 23))] == 2  # the holiday week is not stored


def test_a_week_with_no_open_day_is_not_a_school_week():
    half_term = {date(2026, 2, d) for d in range(9, 14)}
    calendar = Calendar([TERM1, TERM2], closed=half_term)
    weeks = calendar.week_number
    assert weeks[calendar.day_index(date(2026, 2, 12))] == 0  # closed week: still week 0
    assert weeks[calendar.day_index(date(2026, 2, 23))] == 1


def test_the_last_day_through_a_weekend_is_the_friday_before():
    calendar = Calendar([TERM1, TERM2], closed=set())
    assert calendar.last_day_through(date(2026, 2, 15)) == calendar.day_index(date(2026, 2, 13))
    assert calendar.last_day_through(date(2026, 2, 1)) == -1


def test_a_day_in_the_holidays_belongs_to_no_term():
    calendar = Calendar([TERM1, TERM2], closed=set())
    assert calendar.term_of(date(2026, 2, 18)) is None
    assert calendar.term_of(date(2026, 2, 25)) == TERM2


def test_overlapping_terms_are_refused():
    late = TermDates("2026T2", "Term 2 2026", 2026, date(2026, 2, 13), date(2026, 3, 6))
    with pytest.raises(ValueError, match="overlap"):
        Calendar([TERM1, late], closed=set())


def test_a_term_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends before it starts"):
        TermDates("2026T1", "Term 1 2026", 2026, date(2026, 2, 13), date(2026, 2, 2))


def test_a_calendar_needs_a_term():
    with pytest.raises(ValueError):
        Calendar([], closed=set())


def test_public_holidays_come_from_the_holidays_package():
    assert date(2026, 2, 6) in public_holidays("NZ", None, [2026])  # Waitangi Day
    assert date(2026, 5, 4) in public_holidays("GB", "ENG", [2026])  # Early May bank holiday
    assert date(2026, 2, 6) not in public_holidays("GB", "ENG", [2026])
