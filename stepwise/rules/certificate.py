"""A registration certificate's contents: one student's register, session by session.

Pure: no Django. The totals count exactly what the engine counts (stepwise/rules/
engine.py): sessions on open days only, each code by its half-day value and class,
so a certificate and the student's standings never disagree.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np

from .calendar import SESSIONS, Calendar
from .pack import Code, Pack

UNKNOWN_CODE = "??"  # a stored byte beyond the pack's codes


@dataclass(frozen=True)
class Day:
    day: date
    am: str  # the code, "" when no mark is recorded
    pm: str
    open: bool  # False on holidays and closure days: no session was possible
    on_roll: bool  # enrolled at the school that day
    shut: tuple[str, ...] = ()  # the sessions of an open day the school was closed for


@dataclass(frozen=True)
class KeyEntry:
    code: str
    meaning: str
    category: str  # present | justified | unjustified | not_counted (the pack's class)
    sessions: int
    half_day: str = ""  # present | absent | not_counted: what the session counts as


@dataclass(frozen=True)
class Totals:
    possible: int
    present: int
    justified: int
    unjustified: int
    not_counted: int  # sessions marked with a code that is not a possible session
    missing: int  # open sessions on roll with no mark
    unresolved: int

    @property
    def absent(self) -> int:
        return self.possible - self.present


@dataclass(frozen=True)
class Unresolved:
    day: date
    session: str
    code: str


@dataclass(frozen=True)
class CertificateRows:
    first: date
    last: date
    days: tuple[Day, ...]  # every weekday from first to last
    key: tuple[KeyEntry, ...]  # the codes used, in the pack's order
    totals: Totals
    unresolved: tuple[Unresolved, ...]

    @property
    def unresolved_codes(self) -> tuple[str, ...]:
        return tuple(sorted({u.code for u in self.unresolved}))


def unresolved_codes(pack: Pack) -> frozenset[str]:
    """Return the pack's codes that must be resolved before a certificate is relied on."""
    return frozenset(c.code for c in pack.codes if c.unresolved)


def year_label(pack: Pack, year: int) -> str:
    """Return how a school year is written: "2025/26" where it spans two calendar years."""
    starts = pack.calendar.year_starts_month
    return str(year) if starts == 1 else f"{year}/{(year + 1) % 100:02d}"


def certificate_rows(
    pack: Pack,
    calendar: Calendar,
    marks: np.ndarray,
    *,
    first: date,
    last: date,
    enrolled: tuple[date, date | None] | None = None,
) -> CertificateRows:
    """Return a student's register from `first` to `last`, with its key and totals.

    `marks` is the student's row over every slot of `calendar` (uint8, 0 = no mark);
    `enrolled` their first and last day on roll (None: on roll throughout). A session
    with no mark counts as missing only on an open day on roll.
    """
    if marks.dtype != np.uint8 or marks.shape != (calendar.width,):
        raise ValueError(f"marks must be uint8 of shape ({calendar.width},)")
    if last < first:
        raise ValueError("a certificate's last day is before its first")
    codes: dict[int, Code] = {c.index: c for c in pack.codes}
    flagged = unresolved_codes(pack)
    on_from, on_to = enrolled or (None, None)
    days: list[Day] = []
    used: Counter[int] = Counter()
    unresolved: list[Unresolved] = []
    missing = 0
    for i, day in enumerate(calendar.dates):
        if not first <= day <= last:
            continue
        is_open = bool(calendar.open[i])
        on_roll = (on_from is None or on_from <= day) and (on_to is None or day <= on_to)
        pair = (int(marks[2 * i]), int(marks[2 * i + 1]))
        names = tuple(_name(codes, b) for b in pair)
        shut = tuple(s for k, s in enumerate(SESSIONS) if not calendar.session_is_open(i, k))
        days.append(Day(day, names[0], names[1], is_open, on_roll, shut if is_open else ()))
        if not is_open:
            continue  # marks on a closed day count for nothing, as in the engine
        for session, byte, name in zip(SESSIONS, pair, names, strict=True):
            if session in shut:
                continue  # nor on a closed session of a half day
            if byte == 0:
                missing += on_roll
                continue
            used[byte] += 1
            if name in flagged:
                unresolved.append(Unresolved(day, session, name))
    return CertificateRows(
        first=first,
        last=last,
        days=tuple(days),
        key=_key(codes, used),
        totals=_totals(codes, used, missing, len(unresolved)),
        unresolved=tuple(unresolved),
    )


def _name(codes: dict[int, Code], byte: int) -> str:
    if byte == 0:
        return ""
    code = codes.get(byte)
    return code.code if code else UNKNOWN_CODE


def _key(codes: dict[int, Code], used: Counter[int]) -> tuple[KeyEntry, ...]:
    entries = [
        KeyEntry(code.code, code.meaning, code.category, used[byte], code.half_day)
        for byte, code in sorted(codes.items())
        if used[byte]
    ]
    unknown = sum(n for byte, n in used.items() if byte not in codes)
    if unknown:
        entries.append(KeyEntry(UNKNOWN_CODE, "A code this rule pack does not know", "", unknown))
    return tuple(entries)


def _totals(codes: dict[int, Code], used: Counter[int], missing: int, unresolved: int) -> Totals:
    def count(test) -> int:
        return sum(n for b, n in used.items() if b in codes and test(codes[b]))

    return Totals(
        possible=count(lambda c: c.half_day != "not_counted"),
        present=count(lambda c: c.half_day == "present"),
        justified=count(lambda c: c.category == "justified"),
        unjustified=count(lambda c: c.category == "unjustified"),
        not_counted=count(lambda c: c.half_day == "not_counted"),
        missing=missing,
        unresolved=unresolved,
    )
