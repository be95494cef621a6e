"""The register engine against the same standings computed by DuckDB SQL.

A synthetic register (fixed seed) of N students over New Zealand's Term 4 2026
(50 weekdays, 100 sessions; Labour Day closed) is evaluated twice:

* by `stepwise.rules.engine.evaluate` over the uint8 matrix, pinned to one core;
* by one SQL query in DuckDB over the same marks in long form (one row per
  marked session: student, day, session, code; a codes table saying what each
  code counts as; a school_days table saying which days are open), with one
  thread for a like-for-like ratio and with all threads.

Both must agree exactly for every student: possible, present, absent, justified,
unjustified, days absent, tier and the day each term threshold was first reached.
Only the evaluation is timed: generating the marks and loading DuckDB are not.

Run: `python -m benchmarks engine_vs_duckdb [--students N]` (or `--help`).
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np

from benchmarks import one_core, usable_cores
from stepwise.rules.calendar import Calendar, TermDates, public_holidays
from stepwise.rules.engine import Standings, evaluate
from stepwise.rules.pack import Pack, default_terms, load_pack

NAME = "engine_vs_duckdb"
DESCRIPTION = "NumPy register engine vs DuckDB SQL, one NZ term (checks they agree)"

DEFAULT_STUDENTS = 1_000_000
SEED = 20261012
PACK = "nz"
YEAR, TERM_NUMBER = 2026, 4

# The synthetic register. A fifth of students are chronically absent; the rest
# attend about 92% of sessions. A student is absent for a whole day with their own
# daily rate, and a few sessions are flipped (arrives late, leaves early).
CHRONIC_SHARE = 0.2
REGULAR_RATE = (2.0, 32.0)  # Beta(a, b) daily absence rate: mean 5.9%
CHRONIC_RATE = (3.0, 6.0)  # mean 33%
PART_DAY = 0.03  # chance a session differs from the rest of its day
UNMARKED = 0.002  # sessions with no mark yet
MARKED_WHEN_CLOSED = 0.01  # students with stray marks on a closed day (ignored)
PRESENT_MIX = {"P": 0.93, "L": 0.04, "D": 0.02, "A": 0.01}
ABSENT_MIX = {"M": 0.40, "T": 0.17, "?": 0.15, "E": 0.10, "G": 0.10, "J": 0.08}

MISSING = -1  # threshold not reached
EPOCH = np.datetime64("1970-01-01", "D")
COMPARED = ("possible", "present", "absent", "justified", "unjustified", "days_absent", "tier")


class Disagreement(AssertionError):
    """The engine and the SQL gave different standings for some student."""


@dataclass
class Setup:
    pack: Pack
    calendar: Calendar
    term: TermDates
    as_of: date
    marks: np.ndarray
    seconds: dict[str, float] = field(default_factory=dict)


def nz_term(pack: Pack) -> tuple[Calendar, TermDates]:
    """Return a one-term calendar of the pack's Term 4 2026 and that term."""
    (d,) = [t for t in default_terms(pack, YEAR) if t.number == TERM_NUMBER]
    term = TermDates(d.key, d.name, d.year, d.start, d.end)
    if term.weekdays != 50:
        raise ValueError(f"{term.key} has {term.weekdays} weekdays, the benchmark wants 50")
    closed = {
        h for h in public_holidays(pack.country, pack.subdivision, [YEAR]) if term.contains(h)
    }
    return Calendar([term], closed), term


def _lut(pack: Pack, mix: dict[str, float]) -> np.ndarray:
    """Return 256 code bytes in the proportions of `mix`, to index with a random byte."""
    counts = np.round(np.array(list(mix.values())) * 256).astype(int)
    counts[np.argmax(counts)] += 256 - counts.sum()
    return np.repeat([pack.code(c).index for c in mix], counts).astype(np.uint8)


def generate_marks(pack: Pack, calendar: Calendar, students: int, seed: int) -> np.ndarray:
    """Return a realistic register: one uint8 code byte per student and session."""
    rng = np.random.default_rng(seed)
    n, days = students, len(calendar.dates)
    chronic = rng.random(n) < CHRONIC_SHARE
    rate = np.where(chronic, rng.beta(*CHRONIC_RATE, n), rng.beta(*REGULAR_RATE, n))

    def chance(shape: tuple[int, int], p: float | np.ndarray) -> np.ndarray:
        """Return True with probability p (per row when p is an array), to 1/65536."""
        below = (np.asarray(p) * 65536).astype(np.uint32)
        return rng.integers(0, 65536, size=shape, dtype=np.uint16) < below

    absent = np.repeat(chance((n, days), rate[:, None]), 2, axis=1)
    absent ^= chance((n, 2 * days), PART_DAY)
    # The same reason covers both halves of a day; presence is recorded per session.
    reason = np.repeat(_lut(pack, ABSENT_MIX)[rng.integers(0, 256, (n, days), np.uint8)], 2, 1)
    marks = _lut(pack, PRESENT_MIX)[rng.integers(0, 256, (n, 2 * days), np.uint8)]
    np.copyto(marks, reason, where=absent)
    marks[chance((n, 2 * days), UNMARKED)] = 0
    for day in np.flatnonzero(~calendar.open):
        stray = rng.random(n) < MARKED_WHEN_CLOSED
        marks[~stray, 2 * day : 2 * day + 2] = 0
    return marks


def make_setup(students: int, seed: int = SEED, as_of: date | None = None) -> Setup:
    started = time.perf_counter()
    pack = load_pack(PACK)
    calendar, term = nz_term(pack)
    marks = generate_marks(pack, calendar, students, seed)
    setup = Setup(pack, calendar, term, as_of or term.end, marks)
    setup.seconds["generate"] = time.perf_counter() - started
    return setup


# --- The engine -------------------------------------------------------------------


def run_engine(s: Setup) -> Standings:
    return evaluate(s.pack, s.calendar, s.marks, term=s.term.key, as_of=s.as_of)


def engine_figures(s: Setup, st: Standings) -> dict[str, np.ndarray]:
    """Return the compared figures from the engine's standings."""
    epoch_days = (s.calendar.days - EPOCH).astype(np.int64)
    out: dict[str, np.ndarray] = {
        "possible": st.possible,
        "present": st.present,
        "absent": st.absent,
        "justified": st.justified,
        "unjustified": st.unjustified,
        "days_absent": st.days_absent,
        "tier": st.tier,
    }
    for t in term_thresholds(s.pack):
        day = st.reached[t.key]
        out[t.key] = np.where(day >= 0, epoch_days[np.maximum(day, 0)], MISSING)
    return out


# --- DuckDB -------------------------------------------------------------------------


def term_thresholds(pack: Pack):
    return [t for t in pack.thresholds if t.window == "term"]


def load_duckdb(con: duckdb.DuckDBPyConnection, s: Setup) -> int:
    """Create the tables codes, school_days, students and marks; return the marks rows.

    The long form is in the order a register is taken: session by session, every
    student in each. Unmarked sessions have no row.
    """
    started = time.perf_counter()
    codes = s.pack.codes
    con.register(
        "codes_np",
        {
            "id": np.array([c.index for c in codes], dtype=np.uint8),
            "code": np.array([c.code for c in codes], dtype=object),
            "half_day": np.array([c.half_day for c in codes], dtype=object),
            "category": np.array([c.category for c in codes], dtype=object),
        },
    )
    con.execute("CREATE OR REPLACE TABLE codes AS SELECT * FROM codes_np")
    epoch_days = (s.calendar.days - EPOCH).astype(np.int32)
    con.register("days_np", {"epoch": epoch_days, "open": s.calendar.open})
    con.execute(
        "CREATE OR REPLACE TABLE school_days AS "
        "SELECT DATE '1970-01-01' + epoch AS day, open FROM days_np"
    )
    n, width = s.marks.shape
    con.execute(
        f"CREATE OR REPLACE TABLE students AS SELECT range::INTEGER AS student FROM range({n})"
    )
    con.register(
        "marks_np",
        {
            "student": np.tile(np.arange(n, dtype=np.int32), width),
            "day": np.repeat(np.repeat(epoch_days, 2), n),
            "session": np.repeat(np.tile(np.array([0, 1], dtype=np.uint8), width // 2), n),
            "code": np.ascontiguousarray(s.marks.T).ravel(),
        },
    )
    con.execute(
        "CREATE OR REPLACE TABLE marks AS "
        "SELECT student, DATE '1970-01-01' + day AS day, session, code "
        "FROM marks_np WHERE code <> 0"
    )
    for name in ("codes_np", "days_np", "marks_np"):
        con.unregister(name)
    rows = con.execute("SELECT count(*) FROM marks").fetchone()
    s.seconds["load"] = time.perf_counter() - started
    assert rows is not None
    return int(rows[0])


# What each counted figure (and each threshold measure) counts, as a condition on a mark.
_COUNTS = {
    "possible": "half_day <> 'not_counted'",
    "present": "half_day = 'present'",
    "absent": "half_day = 'absent'",
    "justified": "category = 'justified'",
    "unjustified": "category = 'unjustified'",
}
# How the query finds the day a running count first reaches a threshold.
SQL_VARIANTS = {
    "day-window": "sessions summed per student-day, then a running sum over days (window)",
    "session-window": "a running sum over every session (window), no pre-aggregation",
    "list": "no window: each student's list of absent days, ordered; the n-th is the day",
}
DEFAULT_SQL = "day-window"


def standings_sql(s: Setup, variant: str = DEFAULT_SQL) -> str:
    """Return the query computing each student's standing in the term, as of `as_of`.

    It is generated from the pack: the codes table says what each code counts as,
    and the term thresholds and the tiers come from the pack's rules.
    """
    if s.pack.tier_measure != "days_absent":
        raise NotImplementedError("the SQL covers packs with tiers by days absent")
    last = min(s.as_of, s.term.end)
    thresholds = term_thresholds(s.pack)
    measures = sorted({t.measure for t in thresholds})
    marked = f"""marks m
            JOIN codes c ON c.id = m.code
            JOIN school_days d ON d.day = m.day
        WHERE d.open AND m.day BETWEEN DATE '{s.term.start}' AND DATE '{last}'"""
    counted = ",\n            ".join(
        f"count(*) FILTER (WHERE {cond}) AS {name}" for name, cond in _COUNTS.items()
    )
    first_day = ",\n            ".join(
        f"min(day) FILTER (WHERE {t.measure}_so_far >= {t.sessions}) AS {t.key}" for t in thresholds
    )
    reached = {t.key: f"p.{t.key}" for t in thresholds}
    if variant == "session-window":
        running = "".join(
            f",\n                sum(CASE WHEN {_COUNTS[m]} THEN 1 ELSE 0 END) OVER (PARTITION BY"
            f" m.student ORDER BY m.day, m.session ROWS UNBOUNDED PRECEDING) AS {m}_so_far"
            for m in measures
        )
        per_student = f"""
        SELECT student,
            {counted},
            {first_day}
        FROM (
            SELECT m.student, m.day, c.half_day, c.category{running}
            FROM {marked}
        )
        GROUP BY student"""
    elif variant == "day-window":
        running = "".join(
            f",\n                sum({m}) OVER (PARTITION BY student ORDER BY day "
            f"ROWS UNBOUNDED PRECEDING) AS {m}_so_far"
            for m in measures
        )
        summed = ",\n            ".join(f"sum({name})::BIGINT AS {name}" for name in _COUNTS)
        per_student = f"""
        SELECT student,
            {summed},
            {first_day}
        FROM (
            SELECT *{running}
            FROM (
                SELECT m.student, m.day,
                    {counted}
                FROM {marked}
                GROUP BY m.student, m.day
            )
        )
        GROUP BY student"""
    elif variant == "list":
        days = "".join(
            f",\n            list(m.day ORDER BY m.day, m.session) FILTER (WHERE {_COUNTS[m]})"
            f" AS {m}_days"
            for m in measures
        )
        per_student = f"""
        SELECT m.student,
            {counted}{days}
        FROM {marked}
        GROUP BY m.student"""
        reached = {t.key: f"p.{t.measure}_days[{t.sessions}]" for t in thresholds}
    else:
        raise ValueError(f"no SQL variant {variant!r} (have: {', '.join(SQL_VARIANTS)})")
    figures = "".join(f",\n            coalesce(p.{name}, 0) AS {name}" for name in _COUNTS)
    threshold_days = "".join(
        f",\n            {expr} - DATE '1970-01-01' AS {key}" for key, expr in reached.items()
    )
    # Tiers are levels of days absent; each level but the last has an upper bound.
    tier = (
        "CASE "
        + " ".join(
            f"WHEN absent / 2.0 {'<=' if lv.inclusive else '<'} {lv.upper} THEN {i}"
            for i, lv in enumerate(s.pack.tiers[:-1])
        )
        + f" ELSE {len(s.pack.tiers) - 1} END"
    )
    return f"""
    WITH per_student AS ({per_student}
    ),
    standing AS (
        SELECT s.student{figures}{threshold_days}
        FROM students s LEFT JOIN per_student p USING (student)
    )
    SELECT *, absent / 2.0 AS days_absent, {tier} AS tier
    FROM standing
    """


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    return con.execute(sql).fetchnumpy()


def sql_figures(s: Setup, result: dict[str, Any]) -> dict[str, np.ndarray]:
    """Return the compared figures from the query's columns, in student order."""
    n = s.marks.shape[0]
    student = np.asarray(result["student"])
    if len(student) != n or not np.array_equal(np.sort(student), np.arange(n)):
        raise Disagreement(f"the SQL returned {len(student)} rows, not one per student ({n})")
    out = {}
    for name in (*COMPARED, *(t.key for t in term_thresholds(s.pack))):
        column = result[name]
        if np.ma.isMaskedArray(column):
            column = column.filled(MISSING)
        values = np.empty(n, dtype=np.asarray(column).dtype)
        values[student] = column
        out[name] = values
    return out


# --- Agreement ----------------------------------------------------------------------


def compare(engine: dict[str, np.ndarray], sql: dict[str, np.ndarray], *, show: int = 5) -> None:
    """Raise Disagreement naming the first students whose figures differ."""
    problems = []
    for name, mine in engine.items():
        theirs = sql[name]
        differ = np.flatnonzero(np.asarray(mine) != np.asarray(theirs))
        if len(differ):
            examples = ", ".join(
                f"student {i}: engine {mine[i]} sql {theirs[i]}" for i in differ[:show]
            )
            problems.append(f"{name}: {len(differ)} students differ ({examples})")
    if problems:
        raise Disagreement("engine and DuckDB disagree:\n  " + "\n  ".join(problems))


def check_agreement(
    students: int, seed: int = SEED, as_of: date | None = None, variant: str = DEFAULT_SQL
) -> None:
    """Run both once (no timing) and raise Disagreement unless they agree."""
    s = make_setup(students, seed, as_of)
    engine = engine_figures(s, run_engine(s))
    with duckdb.connect() as con:
        load_duckdb(con, s)
        sql = sql_figures(s, run_sql(con, standings_sql(s, variant)))
    compare(engine, sql)


# --- Timing -------------------------------------------------------------------------


def best_of[T](repeats: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Return the fastest of `repeats` runs of fn and the last result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks engine_vs_duckdb",
        description="Time the register engine against DuckDB SQL over one NZ term of "
        "synthetic marks, and check both give every student the same standing.",
    )
    p.add_argument(
        "--students",
        type=int,
        default=DEFAULT_STUDENTS,
        help=f"students in the register (default {DEFAULT_STUDENTS:,})",
    )
    p.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="count sessions up to this day (default: the term's last day)",
    )
    p.add_argument(
        "--sql",
        choices=SQL_VARIANTS,
        default=DEFAULT_SQL,
        help="how the query finds threshold days: "
        + "; ".join(f"{k}: {v}" for k, v in SQL_VARIANTS.items())
        + f" (default {DEFAULT_SQL})",
    )
    p.add_argument("--show-sql", action="store_true", help="print the query before running it")
    p.add_argument(
        "--repeat", type=int, default=5, help="engine runs; the best is reported (default 5)"
    )
    p.add_argument(
        "--sql-repeat",
        type=int,
        default=1,
        help="DuckDB runs per thread setting; the best is reported (default 1: "
        "a run takes tens of seconds at the default size)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.students < 1:
        _parser().error("--students must be at least 1")
    s = make_setup(args.students, args.seed, args.as_of)
    n, width = s.marks.shape
    closed = [
        d for d, is_open in zip(s.calendar.dates, s.calendar.open, strict=True) if not is_open
    ]
    print(
        f"{n:,} students x {width} sessions: {s.term.name}, pack {s.pack.key}, "
        f"closed {', '.join(map(str, closed)) or 'none'}; as of {s.as_of}",
        flush=True,
    )
    print(f"  generated the register in {s.seconds['generate']:.1f} s", flush=True)
    all_threads = len(usable_cores())
    print(
        f"  {all_threads} usable cores; load average {os.getloadavg()[0]:.2f} "
        "(other work on the machine slows every figure)",
        flush=True,
    )
    with duckdb.connect() as con:
        con.execute(f"SET threads = {all_threads}")
        rows = load_duckdb(con, s)
        print(
            f"  loaded {rows:,} long-form rows into DuckDB {duckdb.__version__} "
            f"in {s.seconds['load']:.1f} s (not timed)",
            flush=True,
        )
        sql = standings_sql(s, args.sql)
        if args.show_sql:
            print(sql, flush=True)
        with one_core() as core:
            engine_s, standings = best_of(args.repeat, lambda: run_engine(s))
            print(f"  engine {engine_s:.3f} s (best of {args.repeat}, core {core})", flush=True)
            con.execute("SET threads = 1")
            one_s, one_result = best_of(args.sql_repeat, lambda: run_sql(con, sql))
            print(
                f"  duckdb {one_s:.2f} s ({args.sql} query, best of {args.sql_repeat}, 1 thread, "
                f"core {core})",
                flush=True,
            )
        con.execute(f"SET threads = {all_threads}")
        many_s, many_result = best_of(args.sql_repeat, lambda: run_sql(con, sql))
        print(
            f"  duckdb {many_s:.2f} s ({args.sql} query, best of {args.sql_repeat}, "
            f"{all_threads} threads)",
            flush=True,
        )

    engine = engine_figures(s, standings)
    try:
        compare(engine, sql_figures(s, one_result))
        compare(engine, sql_figures(s, many_result))
    except Disagreement as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    keys = [t.key for t in term_thresholds(s.pack)]
    print(f"  agree for all {n:,} students: {', '.join((*COMPARED, *keys))}")
    reached = ", ".join(f"{k} {int((engine[k] != MISSING).sum()):,}" for k in keys)
    print(f"  students reaching each threshold: {reached}")
    print(
        f"engine {engine_s:.2f} s, duckdb (1 thread) {one_s:.1f} s, "
        f"ratio {one_s / engine_s:.0f}x; duckdb ({all_threads} threads) {many_s:.1f} s, "
        f"ratio {many_s / engine_s:.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
