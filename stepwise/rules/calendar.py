"""School calendars: the weekdays of a run of terms, which are open, and their sessions.

The register stores one byte per weekday session (AM, PM) from a term's first
day to its last. Weekends are never stored; holidays and closure days are stored
as slots but never counted, so adding a closure later never moves a mark. A school
may close for one session of a day (a half day): that slot alone is not counted.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import holidays as holidays_lib
import numpy as np

SESSIONS = ("AM", "PM")


@dataclass(frozen=True)
class TermDates:
    key: str  # e.g. "2026T4": the school year it belongs to, T, its number
    name: str
    year: int  # the school year's label (England: the calendar year it starts in)
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"term {self.key} ends before it starts")

    @property
    def weekdays(self) -> int:
        return int(np.busday_count(self.start, self.end + timedelta(days=1)))

    @property
    def width(self) -> int:
        """Return the number of register slots: two per weekday."""
        return 2 * self.weekdays

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def slot(self, day: date, session: str) -> int:
        """Return the register slot of a session, or raise ValueError."""
        if not self.contains(day) or day.weekday() >= 5:
            raise ValueError(f"{day.isoformat()} is not a weekday of {self.name}")
        return 2 * int(np.busday_count(self.start, day)) + SESSIONS.index(session)


def public_holiday_names(
    country: str, subdivision: str | None, years: Iterable[int]
) -> dict[date, str]:
    """Return the public holidays of a country with their names (from `holidays`)."""
    found = holidays_lib.country_holidays(country, subdiv=subdivision, years=list(years))
    return dict(found.items())


def public_holidays(country: str, subdivision: str | None, years: Iterable[int]) -> set[date]:
    """Return the days of a country's public holidays."""
    return set(public_holiday_names(country, subdivision, years))


class Calendar:
    """The weekdays of consecutive terms, with which days the school is open.

    Days are numbered 0.. across all the terms in order; slot 2*d is the morning
    of day d and slot 2*d+1 its afternoon, so a term's register bytes are a
    contiguous run of slots.
    """

    def __init__(
        self,
        terms: Sequence[TermDates],
        closed: set[date],
        closed_sessions: Iterable[tuple[date, str]] = (),
    ):
        if not terms:
            raise ValueError("a calendar needs at least one term")
        self.terms = tuple(sorted(terms, key=lambda t: t.start))
        for a, b in zip(self.terms, self.terms[1:], strict=False):
            if b.start <= a.end:
                raise ValueError(f"terms {a.key} and {b.key} overlap")
        days: list[date] = []
        self.term_days: dict[str, slice] = {}
        for term in self.terms:
            first = len(days)
            d = term.start
            while d <= term.end:
                if d.weekday() < 5:
                    days.append(d)
                d += timedelta(days=1)
            self.term_days[term.key] = slice(first, len(days))
        self.days = np.array(days, dtype="datetime64[D]")
        self.dates: tuple[date, ...] = tuple(days)
        self._index = {d: i for i, d in enumerate(days)}
        # One flag per slot; a day both of whose sessions are closed is a closed day.
        self.session_open = np.repeat(np.array([d not in closed for d in days], dtype=bool), 2)
        for day, session in closed_sessions:
            if day in self._index:
                self.session_open[2 * self._index[day] + SESSIONS.index(session)] = False
        self.open = self.session_open.reshape(-1, 2).any(axis=1)
        # The closed slots of days open for the other session: the few the engine takes
        # off one at a time, so a calendar without half days costs nothing more.
        self.half_closed = np.flatnonzero(~self.session_open & np.repeat(self.open, 2))

    @cached_property
    def week_number(self) -> np.ndarray:
        """Return, per day, the count of school weeks (weeks with an open day) so far."""
        iso = [d.isocalendar()[:2] for d in self.dates]
        numbers = np.zeros(len(iso), dtype=np.int32)
        count, last = -1, None
        for i, week in enumerate(iso):
            if self.open[i] and week != last:
                count, last = count + 1, week
            numbers[i] = max(count, 0)
        return numbers

    def term(self, key: str) -> TermDates:
        for t in self.terms:
            if t.key == key:
                return t
        raise KeyError(key)

    def term_of(self, day: date) -> TermDates | None:
        for t in self.terms:
            if t.contains(day):
                return t
        return None

    def day_index(self, day: date) -> int:
        return self._index[day]

    def last_day_through(self, day: date) -> int:
        """Return the index of the last calendar day on or before `day` (-1 if none)."""
        return int(np.searchsorted(self.days, np.datetime64(day, "D"), side="right")) - 1

    def slots(self, key: str) -> slice:
        days = self.term_days[key]
        return slice(2 * days.start, 2 * days.stop)

    @cached_property
    def sessions_before(self) -> np.ndarray:
        """Return, per day index d (0..days), the open sessions on the days before d."""
        per_day = self.session_open.reshape(-1, 2).sum(axis=1)
        return np.concatenate([[0], np.cumsum(per_day)]).astype(np.int32)

    def session_is_open(self, day: int, session: int) -> bool:
        return bool(self.session_open[2 * day + session])

    def school_days(self, key: str) -> list[date]:
        days = self.term_days[key]
        return [self.dates[i] for i in range(days.start, days.stop) if self.open[i]]

    @property
    def width(self) -> int:
        return 2 * len(self.dates)
