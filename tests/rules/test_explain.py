"""Every explanation adds up to the engine's own figure, for any register in any pack.

The explanations walk a student's sessions one by one; the engine counts whole
columns at once. Random registers in the New Zealand, England and Kent packs hold
the two to the same numbers, and the sessions listed behind a count are that count.
"""

from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepwise.rules.calendar import SESSIONS, Calendar, TermDates, public_holidays
from stepwise.rules.engine import evaluate
from stepwise.rules.explain import explain, weekday_pattern
from stepwise.rules.pack import default_terms, load_pack

PACKS = {key: load_pack(key) for key in ("nz", "england", "kent")}


def _calendar(pack_key: str) -> tuple[Calendar, list[str]]:
    """Return the pack's calendar over two school years (rolling windows reach back)."""
    pack = PACKS[pack_key]
    first_year = 2025
    terms, closed = [], set()
    for year in (first_year, first_year + 1):
        for t in default_terms(pack, year):
            terms.append(TermDates(t.key, t.name, year, t.start, t.end))
            for a, b, _why in t.closed:
                closed |= {d.astype(date) for d in np.arange(a, b + np.timedelta64(1, "D"))}
    years = {d.year for t in terms for d in (t.start, t.end)}
    closed |= public_holidays(pack.country, pack.subdivision, years)
    return Calendar(terms, closed), [t.key for t in terms]


def _with_half_days(calendar: Calendar, seed: int) -> Calendar:
    """Return the calendar with a morning or an afternoon closed on about one open day in 8."""
    rng = np.random.default_rng(seed)
    open_days = np.flatnonzero(calendar.open)
    chosen = rng.choice(open_days, size=len(open_days) // 8, replace=False)
    halves = [(calendar.dates[d], SESSIONS[int(rng.integers(2))]) for d in chosen]
    closed = {calendar.dates[d] for d in np.flatnonzero(~calendar.open)}
    return Calendar(calendar.terms, closed, halves)


CALENDARS = {key: _calendar(key) for key in PACKS}
HALF_DAY_CALENDARS = {
    key: (_with_half_days(cal, seed), terms)
    for seed, (key, (cal, terms)) in enumerate(CALENDARS.items())
}

# Bytes: mostly real codes, sometimes no mark, now and then a byte the pack does not know.
# A student's absence habit (the share of absence codes) varies, so thresholds get reached.


@st.composite
def registers(draw):
    pack_key = draw(st.sampled_from(sorted(PACKS)))
    pack = PACKS[pack_key]
    half_days = draw(st.booleans())
    calendar, term_keys = (HALF_DAY_CALENDARS if half_days else CALENDARS)[pack_key]
    term = draw(st.sampled_from(term_keys))
    span = calendar.term_days[term]
    # as_of anywhere from just before the term to after it.
    day = draw(st.integers(max(0, span.start - 3), min(len(calendar.dates) - 1, span.stop + 3)))
    as_of = calendar.dates[day]
    seed = draw(st.integers(0, 2**32 - 1))
    absence = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5, 0.9]))
    gaps = draw(st.sampled_from([0.0, 0.02, 0.2]))
    rng = np.random.default_rng(seed)
    present = [c.index for c in pack.codes if c.half_day == "present"]
    absent = [c.index for c in pack.codes if c.half_day != "present"]
    marks = np.where(
        rng.random(calendar.width) < absence,
        rng.choice(absent, calendar.width),
        rng.choice(present, calendar.width),
    ).astype(np.uint8)
    marks[rng.random(calendar.width) < gaps] = 0
    marks[rng.random(calendar.width) < 0.003] = 250  # unknown to every pack
    lo = draw(st.integers(0, len(calendar.dates) - 1))
    hi = draw(st.integers(lo, len(calendar.dates) - 1))
    enrolled = draw(st.sampled_from([None, (lo, hi)]))
    return pack, calendar, term, as_of, marks, enrolled


def _engine_row(pack, calendar, term, as_of, marks, enrolled):
    extra = {}
    if enrolled is not None:
        extra["enrolled"] = (np.array([enrolled[0]]), np.array([enrolled[1]]))
    return evaluate(pack, calendar, marks[np.newaxis, :], term=term, as_of=as_of, **extra).row(0)


def assert_explains(pack, calendar, term, as_of, marks, enrolled):
    """Check every explanation against the engine's row for the same register."""
    row = _engine_row(pack, calendar, term, as_of, marks, enrolled)
    explained = explain(pack, calendar, marks, term=term, as_of=as_of, enrolled=enrolled)
    # The counts: the figure, and exactly that many sessions listed behind it.
    for key in ("possible", "present", "absent", "justified", "unjustified", "unmarked"):
        assert explained[key].value == row[key], key
        assert len(explained[key].sessions) == row[key], key
    assert explained["days_absent"].value == row["days_absent"]
    assert len(explained["days_absent"].sessions) == 2 * row["days_absent"]
    assert explained["attendance_percent"].value == row["attendance_percent"]
    assert explained["tier"].value == row["tier"]
    assert explained["band"].value == row["band"]
    for t in pack.thresholds:
        e = explained[f"threshold-{t.key}"]
        reached = row["thresholds"][t.key]
        assert (e.value.isoformat() if e.value else None) == reached, t.key
        if reached and t.window == "term":
            # The sessions listed are exactly those the count needed; the last reached it.
            assert len(e.sessions) == t.sessions
            assert e.reached_by == e.sessions[-1]
            assert e.reached_by.day.isoformat() == reached
        elif reached:
            # A rolling window: at least that many sessions, the last on or before the day
            # reached (before it when the window was already full as the term began).
            assert len(e.sessions) >= t.sessions
            assert e.sessions[-1].day.isoformat() <= reached
            if e.reached_by is not None:
                assert e.reached_by == e.sessions[-1]
                assert e.reached_by.day.isoformat() == reached
        if t.window == "rolling":
            assert e.met_now == row["current"][t.key], t.key
    for r in pack.rates:
        assert explained[f"rate-{r.key}"].value == row["flags"][r.key], r.key
    forecast = row["forecast"]
    expected = forecast and (forecast["threshold"], date.fromisoformat(forecast["date"]))
    assert explained["forecast"].value == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers())
def test_every_explanation_agrees_with_the_engine(register):
    assert_explains(*register)


def test_a_threshold_names_the_session_that_reached_it():
    pack = PACKS["nz"]
    calendar, _ = CALENDARS["nz"]
    marks = np.full(calendar.width, pack.code_index["P"], dtype=np.uint8)
    first = calendar.term_days["2026T4"].start
    # Five whole days of T from the term's first open day: the 10th session is day five's PM.
    days = [d for d in range(first, first + 10) if calendar.open[d]][:5]
    for d in days:
        marks[2 * d : 2 * d + 2] = pack.code_index["T"]
    explained = explain(pack, calendar, marks, term="2026T4", as_of=date(2026, 12, 1))
    e = explained["threshold-amp5"]
    assert e.reached_by is not None
    assert (e.reached_by.day, e.reached_by.session) == (calendar.dates[days[-1]], "PM")
    assert e.working.startswith("The 10th of the absent half-days was ")
    assert e.reached_by.label.endswith("2026, afternoon")
    assert explained["threshold-amp10"].value is None
    assert (
        explained["threshold-amp10"].working == "10 of the 20 absent half-days so far: not reached"
    )


def test_the_rule_names_the_codes_and_the_tiers():
    pack = PACKS["nz"]
    calendar, _ = CALENDARS["nz"]
    marks = np.full(calendar.width, pack.code_index["P"], dtype=np.uint8)
    explained = explain(pack, calendar, marks, term="2026T4", as_of=date(2026, 11, 20))
    # H, retired in 2025, is not among the codes of Term 4 2026.
    assert [c.code for c in explained["justified"].codes] == ["D", "I", "M", "J", "O"]
    assert "D, I count as justified but also as present" in explained["justified"].notes[-1]
    assert explained["tier"].rule == (
        "The tier comes from the days absent in the term. Good: under 5 days; "
        "Worrying: 5 to under 10 days; Concerning: 10 to under 15 days; "
        "Serious concern: 15 days or more."
    )
    assert explained["band"].rule.endswith(
        "Chronic absence: 70% or less; Moderate absence: over 70 up to 80%; "
        "Irregular: over 80 up to 90%; Regular: over 90%."
    )
    assert explained["tier"].working == "0 days absent: Good"
    assert "Recording response activities at Attendance Management Plan thresholds" in " ".join(
        explained["threshold-amp5"].sources
    )


# (pack, explanation, its working): "an" before a vowel sound, "a" before the rest.
@pytest.mark.parametrize(
    ("pack", "key", "working"),
    [
        ("nz", "unjustified", "0 half-days with an unjustified code"),
        ("nz", "justified", "0 half-days with a justified code"),
        ("kent", "unjustified", "0 sessions with an unauthorised code"),
        ("kent", "justified", "0 sessions with an authorised code"),
    ],
)
def test_the_counts_are_worded_with_the_right_article(pack, key, working):
    calendar, _ = CALENDARS[pack]
    present = "P" if pack == "nz" else "/"
    marks = np.full(calendar.width, PACKS[pack].code_index[present], dtype=np.uint8)
    term = "2026T4" if pack == "nz" else "2026T1"
    explained = explain(PACKS[pack], calendar, marks, term=term, as_of=date(2026, 11, 20))
    assert explained[key].working == working


def test_the_weekday_pattern_counts_absence_per_weekday():
    pack = PACKS["nz"]
    calendar, _ = CALENDARS["nz"]
    marks = np.full(calendar.width, pack.code_index["P"], dtype=np.uint8)
    span = calendar.term_days["2026T4"]
    for d in range(span.start, span.stop):
        if calendar.dates[d].weekday() == 0:  # every Monday morning
            marks[2 * d] = pack.code_index["T"]
        if calendar.dates[d].weekday() == 4:  # every Friday, all day
            marks[2 * d : 2 * d + 2] = pack.code_index["M"]
    pattern = weekday_pattern(pack, calendar, marks, term="2026T4", as_of=date(2026, 11, 20))
    assert [p.weekday for p in pattern] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    assert [p.percent for p in pattern] == [50.0, 0.0, 0.0, 0.0, 100.0]
    # 12 Oct to 20 Nov: six Mondays, one of them Labour Day (closed).
    assert (pattern[0].possible, pattern[0].absent) == (10, 5)
    assert (pattern[4].possible, pattern[4].absent) == (12, 12)
