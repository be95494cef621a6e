"""The register engine: each student's standing from their marks, a calendar and a pack.

Input is a matrix of code indices, one row per student and one column per
register slot of the calendar (uint8, 0 = no mark). Everything is computed with
NumPy over whole columns at once; per-student Python loops would be a thousand
times slower at national scale.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from .calendar import Calendar, TermDates
from .pack import Code, CountThreshold, Level, Pack

# Five 12-bit counters packed in one uint64, so one gather and one sum per row
# count every category at once. 12 bits hold 4,095 sessions: over six school years.
_FIELDS = ("marked", "possible", "present", "justified", "unjustified")
_BITS = 12
_MASK = (1 << _BITS) - 1
_CHUNK_CELLS = 1 << 19  # cells gathered at a time: keeps the work in the CPU cache
MEASURES = ("absent", "justified", "unjustified")


@dataclass(frozen=True)
class _Tables:
    """Lookup tables indexed by a whole day: the AM byte plus 256 times the PM byte."""

    packed: np.ndarray  # uint64 counters per day
    measure: dict[str, np.ndarray]  # sessions of each measure per day (0, 1 or 2)
    session_packed: np.ndarray  # the same per session byte, to take off a closed session
    session_measure: dict[str, np.ndarray]


@dataclass(frozen=True)
class _Shut:
    """What is not counted in a run of days: closed days, and closed sessions of open days."""

    days: np.ndarray  # day indexes
    slots: np.ndarray  # slot indexes of half days' closed sessions
    marks: np.ndarray  # the register's bytes in those slots, one column per slot

    @property
    def slot_days(self) -> np.ndarray:
        return self.slots // 2


def _shut(cal: Calendar, marks: np.ndarray, first: int, stop: int) -> _Shut:
    days = np.flatnonzero(~cal.open[first:stop]) + first
    half = cal.half_closed
    slots = half[(half >= 2 * first) & (half < 2 * stop)] if len(half) else half
    return _Shut(days, slots, marks[:, slots] if len(slots) else marks[:, :0])


_NOTHING_SHUT = _Shut(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros((0, 0), np.uint8))


@lru_cache(maxsize=16)
def _tables(codes: tuple[Code, ...]) -> _Tables:
    packed = np.zeros(256, dtype=np.uint64)
    measure = {m: np.zeros(256, dtype=np.uint8) for m in MEASURES}
    # Bytes beyond the pack's codes are unknown: count them as marked only, so
    # they show up as a gap in the figures rather than silently as present.
    packed[len(codes) + 1 :] = np.uint64(1)
    for c in codes:
        flags = (
            True,
            c.half_day != "not_counted",
            c.half_day == "present",
            c.category == "justified",
            c.category == "unjustified",
        )
        packed[c.index] = sum(int(f) << (_BITS * i) for i, f in enumerate(flags))
        measure["absent"][c.index] = c.half_day == "absent"
        measure["justified"][c.index] = c.category == "justified"
        measure["unjustified"][c.index] = c.category == "unjustified"

    def per_day(lut: np.ndarray) -> np.ndarray:
        # Index am + 256 * pm, matching a little-endian uint16 view of the two bytes.
        return np.add.outer(lut, lut).ravel().astype(lut.dtype)

    return _Tables(per_day(packed), {m: per_day(v) for m, v in measure.items()}, packed, measure)


def day_view(marks: np.ndarray) -> np.ndarray:
    """Return the register as one little-endian uint16 per day (no copy)."""
    return np.ascontiguousarray(marks).view("<u2")


def _count(days: np.ndarray, tables: _Tables, first: int, stop: int, shut: _Shut):
    """Return per-row counters over days [first, stop), leaving out what is shut."""
    n = days.shape[0]
    totals = np.zeros(n, dtype=np.uint64)
    width = max(1, stop - first)
    step = max(1, _CHUNK_CELLS // width)
    if stop > first:
        for start in range(0, n, step):
            block = days[start : start + step, first:stop]
            totals[start : start + step] = tables.packed[block].sum(axis=1, dtype=np.uint64)
        if len(shut.days):
            totals -= tables.packed[days[:, shut.days]].sum(axis=1, dtype=np.uint64)
        if len(shut.slots):
            totals -= tables.session_packed[shut.marks].sum(axis=1, dtype=np.uint64)
    return {
        f: ((totals >> np.uint64(_BITS * i)) & np.uint64(_MASK)).astype(np.int32)
        for i, f in enumerate(_FIELDS)
    }


def count_sessions(marks: np.ndarray, pack: Pack) -> dict[str, np.ndarray]:
    """Return, per row, how many sessions are marked, possible, present, justified, unjustified."""
    days = day_view(marks)
    if days.shape[1] * 2 > _MASK:
        raise ValueError(f"at most {_MASK} sessions can be counted at once")
    return _count(days, _tables(pack.codes), 0, days.shape[1], _NOTHING_SHUT)


@dataclass
class Standings:
    """Each student's standing in one term, as arrays in the order of the register rows."""

    pack: Pack
    calendar: Calendar
    term: TermDates
    as_of: date
    possible: np.ndarray
    present: np.ndarray
    justified: np.ndarray
    unjustified: np.ndarray
    unmarked: np.ndarray
    tier: np.ndarray  # index into pack.tiers
    band: np.ndarray  # index into pack.bands, -1 with no possible sessions
    reached: dict[str, np.ndarray]  # threshold key -> calendar day index, -1 if not reached
    current: dict[str, np.ndarray]  # rolling threshold key -> met at as_of (and ongoing)
    flags: dict[str, np.ndarray]  # rate flag key -> raised
    forecast_threshold: np.ndarray  # index into pack.thresholds, -1 for none
    forecast_day: np.ndarray  # calendar day index, -1 for none

    def __len__(self) -> int:
        return len(self.possible)

    @property
    def absent(self) -> np.ndarray:
        return self.possible - self.present

    @property
    def days_absent(self) -> np.ndarray:
        return self.absent / 2

    @property
    def attendance_percent(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.possible > 0, 100.0 * self.present / self.possible, np.nan)

    @property
    def regular(self) -> np.ndarray:
        return np.nan_to_num(self.attendance_percent, nan=0.0) > self.pack.regular_above

    @property
    def forecast_soon(self) -> np.ndarray:
        """Return whether the forecast day is within the pack's early-warning horizon."""
        cal, last = self.calendar, self.calendar.last_day_through(self.as_of)
        open_before = np.concatenate([[0], np.cumsum(cal.open)])
        ahead = open_before[np.maximum(self.forecast_day, 0) + 1] - open_before[last + 1]
        return (self.forecast_day >= 0) & (ahead <= self.pack.forecast_days)

    def date_of(self, day: int) -> date | None:
        return None if day < 0 else self.calendar.dates[day]

    @cached_property
    def _plain(self) -> dict[str, Any]:
        """Return every per-student figure as a Python list, converted once for all rows."""
        percent = self.attendance_percent
        iso = [d.isoformat() for d in self.calendar.dates]

        def dates(days: np.ndarray) -> list[str | None]:
            return [iso[d] if d >= 0 else None for d in days.tolist()]

        return {
            "possible": self.possible.tolist(),
            "present": self.present.tolist(),
            "absent": self.absent.tolist(),
            "justified": self.justified.tolist(),
            "unjustified": self.unjustified.tolist(),
            "unmarked": self.unmarked.tolist(),
            "days_absent": self.days_absent.tolist(),
            "attendance_percent": [None if np.isnan(p) else round(p, 2) for p in percent.tolist()],
            "regular": self.regular.tolist(),
            "band": [None if b < 0 else self.pack.bands[b].key for b in self.band.tolist()],
            "tier": [self.pack.tiers[t].key for t in self.tier.tolist()],
            "thresholds": {k: dates(v) for k, v in self.reached.items()},
            "current": {k: v.tolist() for k, v in self.current.items()},
            "flags": {k: v.tolist() for k, v in self.flags.items()},
            "forecast_threshold": self.forecast_threshold.tolist(),
            "forecast_date": dates(self.forecast_day),
            "forecast_soon": self.forecast_soon.tolist(),
        }

    def row(self, i: int) -> dict[str, Any]:
        """Return one student's standing as plain values."""
        p = self._plain
        forecast = p["forecast_threshold"][i]
        return {
            **{k: p[k][i] for k in _ROW_FIGURES},
            "thresholds": {k: v[i] for k, v in p["thresholds"].items()},
            "current": {k: v[i] for k, v in p["current"].items()},
            "flags": {k: v[i] for k, v in p["flags"].items()},
            "forecast": None
            if forecast < 0
            else {
                "threshold": self.pack.thresholds[forecast].key,
                "date": p["forecast_date"][i],
                "soon": p["forecast_soon"][i],
            },
        }


_ROW_FIGURES = (
    "possible",
    "present",
    "absent",
    "justified",
    "unjustified",
    "unmarked",
    "days_absent",
    "attendance_percent",
    "regular",
    "band",
    "tier",
)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _level_index(levels: tuple[Level, ...], values: np.ndarray) -> np.ndarray:
    index = np.full(len(values), len(levels) - 1, dtype=np.int8)
    for j in range(len(levels) - 2, -1, -1):
        upper = levels[j].upper
        assert upper is not None
        holds = values <= upper if levels[j].inclusive else values < upper
        index[holds] = j
    return index


def _per_day(
    days: np.ndarray,
    rows: np.ndarray | slice,
    luts: tuple[np.ndarray, np.ndarray],
    first: int,
    stop: int,
    shut: _Shut,
) -> np.ndarray:
    """Return, for the given rows, the `luts` sessions of each day in [first, stop) counted.

    `luts` is the per-day table and the per-session one it was built from.
    """
    per_day = luts[0][days[rows, first:stop]]
    if len(shut.days):
        per_day[:, shut.days - first] = 0
    if len(shut.slots):
        per_day[:, shut.slot_days - first] -= luts[1][shut.marks[rows]]
    return per_day


def _cumulative(
    days: np.ndarray,
    rows: np.ndarray,
    luts: tuple[np.ndarray, np.ndarray],
    first: int,
    stop: int,
    shut: _Shut,
) -> np.ndarray:
    """Return, for the given rows, the running count of `luts` sessions over days [first, stop)."""
    return np.cumsum(_per_day(days, rows, luts, first, stop, shut), axis=1, dtype=np.int16)


def _luts(tables: _Tables, measure: str) -> tuple[np.ndarray, np.ndarray]:
    return tables.measure[measure], tables.session_measure[measure]


def _first_reached(
    days: np.ndarray,
    totals: np.ndarray,
    luts: tuple[np.ndarray, np.ndarray],
    first: int,
    stop: int,
    shut: _Shut,
    thresholds: list[CountThreshold],
) -> dict[str, np.ndarray]:
    """Return, per threshold, the day its running count first reaches it (-1 if never)."""
    out = {t.key: np.full(days.shape[0], -1, dtype=np.int32) for t in thresholds}
    if not thresholds or stop <= first:
        return out
    rows = np.flatnonzero(totals >= min(t.sessions for t in thresholds))
    step = max(1, _CHUNK_CELLS // (stop - first))
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        cum = _cumulative(days, chunk, luts, first, stop, shut)
        for t in thresholds:
            hit = totals[chunk] >= t.sessions
            out[t.key][chunk[hit]] = first + (cum[hit] >= t.sessions).argmax(axis=1)
    return out


def _rolling(
    days: np.ndarray,
    luts: tuple[np.ndarray, np.ndarray],
    shut: _Shut,
    cal: Calendar,
    stop: int,
    term_days: slice,
    t: CountThreshold,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (the first day in the term an episode of t began, whether it is met now).

    An episode runs from the day the rolling window first holds t's sessions to the
    last day it still does.
    """
    n = days.shape[0]
    reached = np.full(n, -1, dtype=np.int32)
    current = np.zeros(n, dtype=bool)
    if stop <= 0 or stop <= term_days.start:
        return reached, current
    per_day = _per_day(days, slice(None), luts, 0, stop, shut)
    rows = np.flatnonzero(per_day.sum(axis=1, dtype=np.int32) >= t.sessions)
    if len(rows) == 0:
        return reached, current
    cum = np.zeros((len(rows), stop + 1), dtype=np.int32)
    np.cumsum(per_day[rows], axis=1, out=cum[:, 1:])
    # The window ending on day e starts on the first day of the school week
    # `weeks - 1` school weeks before e's: it may reach back across a term break.
    week = cal.week_number[:stop]
    window_start = np.searchsorted(week, week - (t.weeks - 1), side="left")
    open_days = np.flatnonzero(cal.open[:stop])
    if len(open_days) == 0:
        return reached, current
    # Only open days are judged; an episode begins on one whose window holds the
    # sessions when the open day before did not. One carried over a break began in
    # the earlier term (its event is there), so the next term's first day is no new one.
    met = (cum[:, 1 + open_days] - cum[:, window_start[open_days]]) >= t.sessions
    begins = met.copy()
    begins[:, 1:] &= ~met[:, :-1]
    in_term = begins[:, open_days >= term_days.start]
    any_began = in_term.any(axis=1)
    first_open = int(np.searchsorted(open_days, term_days.start))
    reached[rows[any_began]] = open_days[first_open + in_term[any_began].argmax(axis=1)]
    last_open = open_days[-1]
    window = cum[:, last_open + 1] - cum[:, window_start[last_open]]
    now = window >= t.sessions
    if t.ongoing_days:
        since = open_days[max(0, len(open_days) - t.ongoing_days)]
        now &= (cum[:, last_open + 1] - cum[:, since]) > 0
    current[rows] = now
    return reached, current


def evaluate(
    pack: Pack,
    calendar: Calendar,
    marks: np.ndarray,
    *,
    term: str,
    as_of: date,
    enrolled: tuple[np.ndarray, np.ndarray] | None = None,
) -> Standings:
    """Return every student's standing in `term`, counting sessions up to `as_of`.

    `marks` holds one row per student over all the calendar's slots. `enrolled`
    gives each student's first and last enrolled calendar day (inclusive); it is
    used only to count sessions still waiting for a mark.
    """
    if marks.dtype != np.uint8 or marks.ndim != 2 or marks.shape[1] != calendar.width:
        raise ValueError(f"marks must be uint8 of shape (n, {calendar.width})")
    n = marks.shape[0]
    days = day_view(marks)
    tables = _tables(pack.codes)
    the_term = calendar.term(term)
    term_days = calendar.term_days[term]
    last = calendar.last_day_through(as_of)
    first, stop = term_days.start, max(term_days.start, min(term_days.stop, last + 1))
    shut = _shut(calendar, marks, first, stop)
    counts = _count(days, tables, first, stop, shut)
    measure_count = {
        "absent": counts["possible"] - counts["present"],
        "justified": counts["justified"],
        "unjustified": counts["unjustified"],
    }

    reached: dict[str, np.ndarray] = {}
    current: dict[str, np.ndarray] = {}
    for measure in MEASURES:
        in_term = [t for t in pack.thresholds if t.window == "term" and t.measure == measure]
        reached.update(
            _first_reached(
                days, measure_count[measure], _luts(tables, measure), first, stop, shut, in_term
            )
        )
    rolling_shut = None
    for t in pack.thresholds:
        if t.window == "rolling":
            rolling_shut = rolling_shut or _shut(calendar, marks, 0, stop)
            reached[t.key], current[t.key] = _rolling(
                days, _luts(tables, t.measure), rolling_shut, calendar, stop, term_days, t
            )
    reached = {t.key: reached[t.key] for t in pack.thresholds}

    flags: dict[str, np.ndarray] = {}
    year_counts: dict[str, np.ndarray] | None = None
    for r in pack.rates:
        c = counts
        if r.window == "year":
            if year_counts is None:
                year_first = min(
                    calendar.term_days[t.key].start
                    for t in calendar.terms
                    if t.year == the_term.year
                )
                year_shut = _shut(calendar, marks, year_first, stop)
                year_counts = _count(days, tables, year_first, stop, year_shut)
            c = year_counts
        numerator = {
            "absent": c["possible"] - c["present"],
            "justified": c["justified"],
            "unjustified": c["unjustified"],
        }[r.measure]
        flags[r.key] = (c["possible"] > 0) & (numerator >= r.at_least * c["possible"])

    possible, present = counts["possible"], counts["present"]
    with np.errstate(divide="ignore", invalid="ignore"):
        attendance = np.where(possible > 0, 100.0 * present / possible, np.nan)
    if pack.tier_measure == "days_absent":
        tier_value = measure_count["absent"] / 2
    else:
        tier_value = np.nan_to_num(100.0 - attendance, nan=0.0)
    tier = _level_index(pack.tiers, tier_value)
    band = np.where(possible > 0, _level_index(pack.bands, np.nan_to_num(attendance)), -1)

    unmarked = _unmarked(calendar, days, tables, first, stop, shut, counts["marked"], enrolled, n)
    f_threshold, f_day = _forecast(
        pack, calendar, reached, measure_count, possible, stop, term_days.stop
    )
    return Standings(
        pack=pack,
        calendar=calendar,
        term=the_term,
        as_of=as_of,
        possible=possible,
        present=present,
        justified=counts["justified"],
        unjustified=counts["unjustified"],
        unmarked=unmarked,
        tier=tier,
        band=band.astype(np.int8),
        reached=reached,
        current=current,
        flags=flags,
        forecast_threshold=f_threshold,
        forecast_day=f_day,
    )


def _unmarked(
    cal: Calendar,
    days: np.ndarray,
    tables: _Tables,
    first: int,
    stop: int,
    shut: _Shut,
    marked: np.ndarray,
    enrolled: tuple[np.ndarray, np.ndarray] | None,
    n: int,
) -> np.ndarray:
    sessions_before = cal.sessions_before
    if enrolled is None:
        lo = np.full(n, first)
        hi = np.full(n, stop - 1)
    else:
        lo = np.maximum(enrolled[0], first)
        hi = np.minimum(enrolled[1], stop - 1)
        # Marks outside the enrolled days (England's Z, "not yet on roll", is set up
        # before a pupil joins) must not fill the enrolled days' gaps.
        marked = _marked_within(days, tables, shut, first, stop, marked, lo, hi)
    open_sessions = np.where(
        hi >= lo, sessions_before[np.maximum(hi + 1, 0)] - sessions_before[lo], 0
    )
    return np.maximum(open_sessions - marked, 0).astype(np.int32)


def _marked_within(
    days: np.ndarray,
    tables: _Tables,
    shut: _Shut,
    first: int,
    stop: int,
    marked: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> np.ndarray:
    """Return `marked`, with rows enrolled for part of [first, stop) counting days [lo, hi] only."""
    rows = np.flatnonzero((lo > first) | (hi < stop - 1))
    if len(rows) == 0 or stop <= first:
        return marked
    marked = marked.copy()
    # The "marked" field, per day and per session.
    mask = np.uint64(_MASK)
    luts = (
        (tables.packed & mask).astype(np.uint8),
        (tables.session_packed & mask).astype(np.uint8),
    )
    width = stop - first
    step = max(1, _CHUNK_CELLS // width)
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        per_day = _per_day(days, chunk, luts, first, stop, shut)
        cum = np.zeros((len(chunk), width + 1), dtype=np.int32)
        np.cumsum(per_day, axis=1, out=cum[:, 1:])
        a = np.clip(lo[chunk] - first, 0, width)
        b = np.maximum(a, np.clip(hi[chunk] + 1 - first, 0, width))
        at = np.arange(len(chunk))
        marked[chunk] = cum[at, b] - cum[at, a]
    return marked


def _forecast(
    pack: Pack,
    cal: Calendar,
    reached: dict[str, np.ndarray],
    measure_count: dict[str, np.ndarray],
    possible: np.ndarray,
    stop: int,
    term_stop: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the next forecast threshold and the day it will be reached at the current rate."""
    n = len(possible)
    f_threshold = np.full(n, -1, dtype=np.int16)
    f_day = np.full(n, -1, dtype=np.int32)
    # The open sessions left in the term, by slot: a half day has one.
    future = np.flatnonzero(cal.session_open[2 * stop : 2 * term_stop]) + 2 * stop
    pending = np.ones(n, dtype=bool)
    for index, t in enumerate(pack.thresholds):
        if not (t.forecast and t.window == "term"):
            continue
        todo = pending & (reached[t.key] < 0)
        pending &= ~todo
        count = measure_count[t.measure].astype(np.int64)
        need = t.sessions - count
        # ceil(need / (count / possible)) in whole numbers: with floats the quotient can
        # land a hair above a whole number of sessions and put the forecast a day late.
        sessions = -((-need * possible) // np.maximum(count, 1))
        ok = todo & (count > 0) & (sessions <= len(future))
        f_threshold[todo] = index
        which = sessions[ok].astype(np.int64) - 1
        f_day[ok] = future[which] // 2 if len(future) else -1
    f_threshold[f_day < 0] = -1
    return f_threshold, f_day
