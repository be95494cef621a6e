"""Golden cases: hand-worked examples of each rule pack, kept as data beside the packs.

Each pack has a file `golden/<key>.toml` of cases. A case names a term, the day
to evaluate on and a one-student register; its `expected` table holds the figures
a person worked out from the rule by hand (any subset of `Standings.row`). This
module loads the cases, builds the calendar and the register they describe, runs
the engine and lists every figure that disagrees. Pure: no Django.

A case, in TOML::

    [[cases]]
    name = "half_day_absence_counts_as_half_a_day"
    explain = "One M in the afternoon: one absent half-day, 0.5 days absent."
    term = "2026T1"            # a key of the pack's default terms
    as_of = "2026-02-13"
    default = "P"              # filled into every open session from term start to as_of
    register = '''
    2026-02-03 P M
    '''
    closures = []              # extra closure days on top of public holidays;
                               # "DATE AM" or "DATE PM" closes one session (a half day)
    enrolled = ["2026-02-16", ""]   # first/last enrolled day, "" = open
    amendments = ["2026-02-03 PM P"]   # later marks replacing earlier ones
    [cases.expected]
    possible = 18

Register lines are `DATE AM PM` or `FIRST..LAST AM PM` (every weekday of the
calendar in the range, closed days included: the rules must ignore marks on
them). `-` is an explicitly empty session, which the default does not fill.
Later lines replace earlier ones. `default` is one code for both sessions,
`"AM PM"` for two, or `""` / `"-"` for none. Amendments are `DATE AM|PM CODE`
and apply after the register; `[cases.before]` may state what the register
showed before them. In `expected`, `"none"` stands for no value (TOML has no null).
"""

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from .calendar import SESSIONS, Calendar
from .engine import evaluate
from .pack import CodeRefused, Pack, default_terms, load_pack
from .school_days import days_from, pack_calendar

GOLDEN_DIR = Path(__file__).parent / "golden"
NONE = "none"
CASE_KEYS = frozenset(
    {
        "name",
        "explain",
        "term",
        "as_of",
        "default",
        "register",
        "amendments",
        "closures",
        "enrolled",
        "expected",
        "before",
    }
)
ROW_KEYS = frozenset(
    {
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
        "thresholds",
        "current",
        "flags",
        "forecast",
    }
)
TABLE_KEYS = frozenset({"thresholds", "current", "flags"})
FORECAST_KEYS = frozenset({"threshold", "date", "soon"})


class GoldenError(ValueError):
    """A golden case file is malformed."""


@dataclass(frozen=True)
class RegisterLine:
    first: date
    last: date
    am: str | None  # None: no mark
    pm: str | None


@dataclass(frozen=True)
class Amendment:
    day: date
    session: str  # AM | PM
    code: str


@dataclass(frozen=True)
class GoldenCase:
    pack: str
    name: str
    explain: str
    term: str
    as_of: date
    default: tuple[str | None, str | None]
    register: tuple[RegisterLine, ...]
    amendments: tuple[Amendment, ...]
    closures: tuple[date, ...]
    closed_sessions: tuple[tuple[date, str], ...]
    enrolled: tuple[date | None, date | None] | None
    expected: dict[str, Any]
    before: dict[str, Any] | None

    @property
    def id(self) -> str:
        return f"{self.pack}/{self.name}"

    @property
    def school_year(self) -> int:
        return int(self.term.split("T")[0])


def golden_packs() -> list[str]:
    """Return the keys of the packs that have a golden file."""
    return sorted(p.stem for p in GOLDEN_DIR.glob("*.toml"))


def load_cases(pack_key: str) -> list[GoldenCase]:
    """Return the golden cases of a pack, checking their shape."""
    path = GOLDEN_DIR / f"{pack_key}.toml"
    if not path.exists():
        raise GoldenError(f"no golden cases for pack {pack_key!r}")
    with path.open("rb") as f:
        rows = tomllib.load(f).get("cases", [])
    cases = [_case(pack_key, i, row) for i, row in enumerate(rows, start=1)]
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise GoldenError(f"{pack_key}: case names appear twice: {', '.join(twice)}")
    return cases


def _day(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise GoldenError(f"{where}: {value!r} is not an ISO date") from None


def _maybe_day(value: Any, where: str) -> date | None:
    return _day(value, where) if value else None


def _code(value: str) -> str | None:
    return None if value in ("", "-") else value


def _register(text: str, where: str) -> tuple[RegisterLine, ...]:
    lines = []
    for raw in text.splitlines():
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 3:
            raise GoldenError(f"{where}: register line {raw.strip()!r} is not 'DATE AM PM'")
        first, _, last = parts[0].partition("..")
        a, b = _day(first, where), _day(last or first, where)
        if b < a:
            raise GoldenError(f"{where}: range {parts[0]} runs backwards")
        lines.append(RegisterLine(a, b, _code(parts[1]), _code(parts[2])))
    return tuple(lines)


def _closure(value: Any, where: str) -> date | tuple[date, str]:
    """Return a closure day, or (day, session) for a closed session of a half day."""
    parts = str(value).split()
    if len(parts) == 2 and parts[1] in SESSIONS:
        return _day(parts[0], where), parts[1]
    if len(parts) != 1:
        raise GoldenError(f"{where}: closure {value!r} is not 'DATE' or 'DATE AM|PM'")
    return _day(value, where)


def _amendment(text: str, where: str) -> Amendment:
    parts = text.split()
    if len(parts) != 3 or parts[1] not in SESSIONS:
        raise GoldenError(f"{where}: amendment {text!r} is not 'DATE AM|PM CODE'")
    return Amendment(_day(parts[0], where), parts[1], parts[2])


def _expected(table: Any, where: str) -> dict[str, Any]:
    if not isinstance(table, dict) or not table:
        raise GoldenError(f"{where}: needs a non-empty table of expected figures")
    unknown = set(table) - ROW_KEYS
    if unknown:
        raise GoldenError(f"{where}: unknown figures {', '.join(sorted(unknown))}")
    for key in TABLE_KEYS & set(table):
        if not isinstance(table[key], dict):
            raise GoldenError(f"{where}: {key} must be a table")
    forecast = table.get("forecast", NONE)
    if forecast != NONE and (not isinstance(forecast, dict) or set(forecast) - FORECAST_KEYS):
        raise GoldenError(f"{where}: forecast must be 'none' or a table of {FORECAST_KEYS}")
    return dict(table)


def _case(pack_key: str, number: int, row: dict[str, Any]) -> GoldenCase:
    where = f"{pack_key} case #{number} {row.get('name', '')!r}".rstrip()
    unknown = set(row) - CASE_KEYS
    if unknown:
        raise GoldenError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    for key in ("name", "explain", "term", "as_of", "expected"):
        if not row.get(key):
            raise GoldenError(f"{where}: missing {key!r}")
    if "\n" in row["explain"].strip():
        raise GoldenError(f"{where}: explain must be one line")
    default = str(row.get("default", "")).split()
    if len(default) > 2:
        raise GoldenError(f"{where}: default is one code, or an AM and a PM code")
    am_pm = (default * 2)[:2] if default else ["-", "-"]
    closures = [_closure(c, where) for c in row.get("closures", [])]
    enrolled = row.get("enrolled")
    if enrolled is not None and len(enrolled) != 2:
        raise GoldenError(f"{where}: enrolled is [first day, last day]")
    return GoldenCase(
        pack=pack_key,
        name=row["name"],
        explain=row["explain"].strip(),
        term=row["term"],
        as_of=_day(row["as_of"], where),
        default=(_code(am_pm[0]), _code(am_pm[1])),
        register=_register(row.get("register", ""), where),
        amendments=tuple(_amendment(a, where) for a in row.get("amendments", [])),
        closures=tuple(c for c in closures if isinstance(c, date)),
        closed_sessions=tuple(c for c in closures if isinstance(c, tuple)),
        enrolled=None
        if enrolled is None
        else (_maybe_day(enrolled[0], where), _maybe_day(enrolled[1], where)),
        expected=_expected(row["expected"], f"{where} expected"),
        before=None if "before" not in row else _expected(row["before"], f"{where} before"),
    )


def school_calendar(
    pack: Pack,
    year: int,
    closures: Iterable[date] = (),
    closed_sessions: Iterable[tuple[date, str]] = (),
) -> Calendar:
    """Return the calendar of a school year from the pack's default terms.

    A pack with rolling thresholds gets the previous school year's terms too, so
    a window can reach back across a term break and a year break. Closed days are
    the public holidays, the terms' own closures and `closures`.
    """
    years = [year - 1, year] if any(t.window == "rolling" for t in pack.thresholds) else [year]
    if not any(default_terms(pack, y) for y in years):
        raise GoldenError(f"pack {pack.key} has no default terms for {year}")
    return pack_calendar(pack, years, closures, closed_sessions)


def _slot(calendar: Calendar, day: date, session: str, case: GoldenCase) -> int:
    try:
        return 2 * calendar.day_index(day) + SESSIONS.index(session)
    except KeyError:
        raise GoldenError(f"{case.id}: {day} is not a weekday of a term in the calendar") from None


def _byte(pack: Pack, code: str | None, day: date, case: GoldenCase) -> int:
    """Return the byte of the code's meaning on `day`, as an import would store it."""
    if code is None:
        return 0
    try:
        return pack.code_on(code, day).index
    except CodeRefused as refused:
        raise GoldenError(f"{case.id}: {refused.message} (on {day})") from None


def build_marks(pack: Pack, calendar: Calendar, case: GoldenCase, *, amended: bool) -> np.ndarray:
    """Return the case's register as a one-row matrix of code bytes."""
    marks = np.zeros((1, calendar.width), dtype=np.uint8)
    term = calendar.term(case.term)
    lo, hi = term.start, case.as_of
    if case.enrolled is not None:
        lo = max(lo, case.enrolled[0] or lo)
        hi = min(hi, case.enrolled[1] or hi)
    for i in range(calendar.term_days[case.term].start, calendar.term_days[case.term].stop):
        if calendar.open[i] and lo <= calendar.dates[i] <= hi:
            for s, code in enumerate(case.default):
                marks[0, 2 * i + s] = _byte(pack, code, calendar.dates[i], case)
    stored = set(calendar.dates)
    for line in case.register:
        days = [d for d in days_from(line.first, line.last) if d in stored]
        if not days:
            raise GoldenError(f"{case.id}: no weekday of a term in {line.first}..{line.last}")
        for d in days:
            for session, code in zip(SESSIONS, (line.am, line.pm), strict=True):
                marks[0, _slot(calendar, d, session, case)] = _byte(pack, code, d, case)
    if amended:
        for a in case.amendments:
            marks[0, _slot(calendar, a.day, a.session, case)] = _byte(pack, a.code, a.day, case)
    return marks


def _enrolled(calendar: Calendar, case: GoldenCase) -> tuple[np.ndarray, np.ndarray] | None:
    if case.enrolled is None:
        return None
    first, last = case.enrolled
    lo = 0 if first is None else int(np.searchsorted(calendar.days, np.datetime64(first, "D")))
    hi = len(calendar.dates) - 1 if last is None else calendar.last_day_through(last)
    return np.array([lo]), np.array([hi])


def run_case(case: GoldenCase, *, amended: bool = True) -> dict[str, Any]:
    """Return the engine's standing for the case's student (before amendments if asked)."""
    pack = load_pack(case.pack)
    calendar = school_calendar(pack, case.school_year, case.closures, case.closed_sessions)
    if case.term not in calendar.term_days:
        raise GoldenError(f"{case.id}: pack {pack.key} has no default term {case.term}")
    marks = build_marks(pack, calendar, case, amended=amended)
    standings = evaluate(
        pack,
        calendar,
        marks,
        term=case.term,
        as_of=case.as_of,
        enrolled=_enrolled(calendar, case),
    )
    return standings.row(0)


def _same(want: Any, got: Any) -> bool:
    if want == NONE:
        return got is None
    if isinstance(want, bool) or isinstance(got, bool):
        return isinstance(want, bool) and isinstance(got, bool) and want == got
    if isinstance(want, int | float) and isinstance(got, int | float):
        return math.isclose(want, got, rel_tol=0, abs_tol=1e-9)
    if isinstance(want, date):
        want = want.isoformat()
    return bool(want == got)


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Return a line for every expected figure the actual standing disagrees with."""
    problems = []
    for key, want in expected.items():
        got = actual[key]
        if key == "forecast" and (want == NONE or got is None):
            if not (want == NONE and got is None):
                problems.append(f"forecast: expected {want!r}, engine says {got!r}")
        elif key in TABLE_KEYS or key == "forecast":
            for sub, w in want.items():
                if sub not in got:
                    problems.append(f"{key}.{sub}: no such entry (have {sorted(got)})")
                elif not _same(w, got[sub]):
                    problems.append(f"{key}.{sub}: expected {w!r}, engine says {got[sub]!r}")
        elif not _same(want, got):
            problems.append(f"{key}: expected {want!r}, engine says {got!r}")
    return problems


def check_case(case: GoldenCase) -> list[str]:
    """Return every disagreement between the case's figures and the engine (empty if none)."""
    problems = compare(case.expected, run_case(case))
    if case.before is not None:
        before = compare(case.before, run_case(case, amended=False))
        problems += [f"before amendments, {p}" for p in before]
    return problems
