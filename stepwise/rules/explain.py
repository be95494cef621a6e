"""Explain each figure of a student's standing: the rule that applied and the sessions behind it.

The engine counts whole columns of the register with NumPy. This module walks one
student's sessions one at a time in plain Python: a second, independent reading of
the same rule pack. Tests hold the two to the same numbers, so the explanation a
page shows beside a figure always adds up to that figure.

Pure like the engine: plain values in, plain values out, no Django.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from stepwise.rules.calendar import Calendar
from stepwise.rules.days import SESSION_NAMES, WEEKDAYS, day_label
from stepwise.rules.labels import figure_label
from stepwise.rules.pack import Code, CountThreshold, Level, Pack, RateFlag, load_pack

SESSIONS = ("AM", "PM")

# Which sessions each of the engine's measures counts. "absent" follows a code's
# half-day value (what attendance rates use); "justified" and "unjustified" follow its
# category, so a justified code that counts as present (NZ "D") is justified, not absent.
MEASURE_TESTS: dict[str, Callable[[Code], bool]] = {
    "absent": lambda c: c.half_day == "absent",
    "justified": lambda c: c.category == "justified",
    "unjustified": lambda c: c.category == "unjustified",
}


@dataclass(frozen=True)
class Session:
    """One morning or afternoon of an open school day, with its mark."""

    day: date
    session: str  # "AM" or "PM"
    code: Code | None  # None: no mark, or a byte the pack does not know
    marked: bool  # True for any stored byte, known to the pack or not

    @property
    def label(self) -> str:
        return (
            f"{day_label(self.day)} {self.day.year}, {SESSION_NAMES[SESSIONS.index(self.session)]}"
        )

    @property
    def mark(self) -> str:
        """Return the code (its meaning is in the list of codes that count), or why none."""
        if self.code is not None:
            return self.code.code
        return "a code the rule pack does not know" if self.marked else "no mark"


@dataclass(frozen=True)
class Explanation:
    """How one figure was worked out."""

    key: str  # the figure: "possible", "days_absent", "threshold-amp5", ...
    title: str  # the figure's name on the page
    rule: str  # the rule, in a sentence
    working: str  # this student's numbers put through the rule
    value: object  # the figure as this walk computes it (tests compare it with the engine)
    codes: tuple[Code, ...] = ()  # the codes the rule counts
    sessions: tuple[Session, ...] = ()  # the sessions behind the figure
    sessions_heading: str = ""
    reached_by: Session | None = None  # for a threshold: the session that reached it
    met_now: bool | None = None  # for a rolling threshold: whether it is met now
    notes: tuple[str, ...] = ()  # the rule pack's own notes on this rule
    sources: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class WeekdayRate:
    """A weekday's share of absent sessions in the term so far."""

    weekday: str
    possible: int
    absent: int

    @property
    def percent(self) -> float | None:
        return None if self.possible == 0 else round(100.0 * self.absent / self.possible, 1)


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 2)


def _code_list(codes: Iterable[Code]) -> str:
    listed = [c.code for c in codes]
    return ", ".join(listed) if listed else "none"


def _level_rule(levels: tuple[Level, ...], unit: str) -> str:
    """Return the levels' bounds in words: "Good: under 5 days; Worrying: 5 to under 10 days"."""
    parts = []
    below: Level | None = None
    for level in levels:
        if below is None:
            bound = (
                f"{level.upper:g}{unit} or less"
                if level.inclusive
                else f"under {level.upper:g}{unit}"
            )
        else:
            start = f"over {below.upper:g}" if below.inclusive else f"{below.upper:g}"
            if level.upper is None:
                bound = f"{start}{unit}" if below.inclusive else f"{start}{unit} or more"
            elif level.inclusive:
                bound = f"{start} up to {level.upper:g}{unit}"
            else:
                bound = f"{start} to under {level.upper:g}{unit}"
        parts.append(f"{level.name}: {bound}")
        below = level
    return "; ".join(parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _level_of(levels: tuple[Level, ...], value: float) -> Level:
    for level in levels:
        if level.holds(value):
            return level
    return levels[-1]


class _Walk:
    """One student's sessions in a calendar, read one at a time."""

    def __init__(self, pack: Pack, calendar: Calendar, marks: np.ndarray):
        self.pack = pack
        self.calendar = calendar
        self.marks = marks
        self.codes = {c.index: c for c in pack.codes}

    def sessions(self, days: Iterable[int]) -> list[Session]:
        """Return the open sessions of `days`, in order (a half day has one)."""
        out = []
        for i in days:
            for s, name in enumerate(SESSIONS):
                if not self.calendar.session_is_open(i, s):
                    continue
                byte = int(self.marks[2 * i + s])
                out.append(Session(self.calendar.dates[i], name, self.codes.get(byte), byte != 0))
        return out


def _counted(sessions: Iterable[Session], test: Callable[[Code], bool]) -> tuple[Session, ...]:
    return tuple(s for s in sessions if s.code is not None and test(s.code))


def explain(
    pack: Pack,
    calendar: Calendar,
    marks: np.ndarray,
    *,
    term: str,
    as_of: date,
    enrolled: tuple[int, int] | None = None,
) -> dict[str, Explanation]:
    """Return an explanation of every figure in one student's standing, keyed by figure.

    `marks` is the student's row over all the calendar's slots; `enrolled` their first
    and last enrolled calendar day (inclusive), as the engine takes it.
    """
    walk = _Walk(pack, calendar, marks)
    span = calendar.term_days[term]
    last = calendar.last_day_through(as_of)
    first, stop = span.start, max(span.start, min(span.stop, last + 1))
    term_sessions = walk.sessions(range(first, stop))
    word, words = pack.word("session"), pack.word("sessions")
    through = (
        f"on the days the school was open from {calendar.dates[first]:%-d %B %Y} "
        f"up to {calendar.dates[stop - 1]:%-d %B %Y}"
        if stop > first
        else "(the term has not started)"
    )
    counting = tuple(pack.notes[k] for k in ("counting",) if k in pack.notes)
    sources = pack_sources(pack)

    def made(key: str, title: str, **kwargs) -> Explanation:
        return Explanation(key=key, title=title, sources=sources, **kwargs)

    # The codes that could be recorded in the term, each in its meaning of the time.
    codes = pack.codes_in_use(calendar.dates[span.start], calendar.dates[span.stop - 1])
    counted_codes = tuple(c for c in codes if c.half_day != "not_counted")
    not_counted = tuple(c for c in codes if c.half_day == "not_counted")
    present_codes = tuple(c for c in codes if c.half_day == "present")
    absent_codes = tuple(c for c in codes if MEASURE_TESTS["absent"](c))
    justified_codes = tuple(c for c in codes if MEASURE_TESTS["justified"](c))
    unjustified_codes = tuple(c for c in codes if MEASURE_TESTS["unjustified"](c))

    possible = _counted(term_sessions, lambda c: c.half_day != "not_counted")
    present = _counted(term_sessions, lambda c: c.half_day == "present")
    absent = _counted(term_sessions, MEASURE_TESTS["absent"])
    justified = _counted(term_sessions, MEASURE_TESTS["justified"])
    unjustified = _counted(term_sessions, MEASURE_TESTS["unjustified"])

    out: dict[str, Explanation] = {}
    out["possible"] = made(
        "possible",
        f"Possible {words}",
        rule=(
            f"Every {word} {through} that has a mark counts as possible"
            + (
                f", except codes that are not counted ({_code_list(not_counted)})"
                if not_counted
                else ""
            )
            + f". Days the school was closed and {words} without a mark are left out."
        ),
        working=f"{len(possible)} {words} with a counted mark",
        value=len(possible),
        codes=counted_codes,
        sessions=possible,
        sessions_heading=f"The {len(possible)} possible {words}",
        notes=counting,
    )
    out["present"] = made(
        "present",
        "Present",
        rule=f"A possible {word} counts as present when the rule pack counts its code as present.",
        working=f"{len(present)} {words} with a present code",
        value=len(present),
        codes=present_codes,
        sessions=present,
        sessions_heading=f"The {len(present)} present {words}",
        notes=counting,
    )
    out["absent"] = made(
        "absent",
        "Absent",
        rule=f"Absent {words} are the possible {words} not present: those with an absence code.",
        working=(
            f"{len(possible)} possible − {len(present)} present = {len(possible) - len(present)} "
            f"absent {words}"
        ),
        value=len(absent),
        codes=absent_codes,
        sessions=absent,
        sessions_heading=f"The {len(absent)} absent {words}",
        notes=counting,
    )
    for key, codes, found in (
        ("justified", justified_codes, justified),
        ("unjustified", unjustified_codes, unjustified),
    ):
        name = pack.word(key)
        notes = counting
        present_too = [c for c in codes if c.half_day == "present"]
        if present_too:
            notes = (
                *notes,
                f"{_code_list(present_too)} count as {name} but also as present: the student "
                "was away from class, not absent, so they are not in the absent count.",
            )
        out[key] = made(
            key,
            figure_label(pack, key),
            rule=(
                f"{_a(word).capitalize()} {word} counts as {name} when its code is in the rule "
                f"pack's {name} category."
            ),
            working=f"{len(found)} {words} with {_a(name)} {name} code",
            value=len(found),
            codes=codes,
            sessions=found,
            sessions_heading=f"The {len(found)} {name} {words}",
            notes=notes,
        )

    lo, hi = (
        (first, stop - 1)
        if enrolled is None
        else (max(enrolled[0], first), min(enrolled[1], stop - 1))
    )
    waiting = tuple(s for s in walk.sessions(range(lo, hi + 1)) if not s.marked)
    out["unmarked"] = made(
        "unmarked",
        "Without a mark",
        rule=(
            f"Every {word} {through} while the student was enrolled should have a mark. "
            f"These {words} have none yet, so they are in no other count."
        ),
        working=f"{len(waiting)} {words} without a mark",
        value=len(waiting),
        sessions=waiting,
        sessions_heading=f"The {len(waiting)} {words} without a mark",
    )

    days_absent = len(absent) / 2
    out["days_absent"] = made(
        "days_absent",
        "Days absent",
        rule=f"Days absent are the absent {words} divided by two: a school day has two {words}.",
        working=f"{len(absent)} absent {words} ÷ 2 = {days_absent:g} days",
        value=days_absent,
        codes=absent_codes,
        sessions=absent,
        sessions_heading=f"The {len(absent)} absent {words}",
        notes=counting,
    )

    attendance = _percent(len(present), len(possible))
    # Levels and "regular" compare the unrounded share, as the engine does: rounding
    # first could move a student across a boundary.
    raw = 100.0 * len(present) / len(possible) if possible else None
    regular = (raw or 0.0) > pack.regular_above
    out["attendance_percent"] = made(
        "attendance_percent",
        "Attendance",
        rule=(
            f"Attendance is the present {words} as a share of the possible {words}. "
            f"More than {pack.regular_above:g}% counts as attending regularly."
        ),
        working=(
            f"{len(present)} present ÷ {len(possible)} possible × 100 = {attendance:g}%"
            + (" (attending regularly)" if regular else " (not attending regularly)")
            if attendance is not None
            else f"No possible {words} yet, so there is no attendance figure"
        ),
        value=attendance,
        codes=absent_codes,
        sessions=absent,
        sessions_heading=f"The {len(absent)} absent {words} (every other possible one was present)",
        notes=counting,
    )

    if pack.tier_measure == "days_absent":
        tier_value = days_absent
        tier_rule = (
            f"The tier comes from the days absent in the term. {_level_rule(pack.tiers, ' days')}."
        )
        tier_working = f"{days_absent:g} days absent"
    else:
        tier_value = 100.0 - raw if raw is not None else 0.0
        tier_rule = (
            "The tier comes from the share of possible "
            f"{words} missed in the term (100% − attendance). {_level_rule(pack.tiers, '%')}."
        )
        tier_working = (
            f"100% − {attendance:g}% attendance = {round(tier_value, 2):g}% absence"
            if attendance is not None
            else f"No possible {words} yet: counted as 0% absence"
        )
    tier = _level_of(pack.tiers, tier_value)
    out["tier"] = made(
        "tier",
        "Tier",
        rule=tier_rule,
        working=f"{tier_working}: {tier.name}",
        value=tier.key,
        codes=absent_codes,
        sessions=absent,
        sessions_heading=f"The {len(absent)} absent {words}",
    )

    band = _level_of(pack.bands, raw) if raw is not None else None
    out["band"] = made(
        "band",
        "Band",
        rule=f"The band comes from the attendance percentage. {_level_rule(pack.bands, '%')}.",
        working=f"{attendance:g}% attendance: {band.name}"
        if band is not None and attendance is not None
        else f"No possible {words} yet, so there is no band",
        value=None if band is None else band.key,
        codes=absent_codes,
        sessions=absent,
        sessions_heading=f"The {len(absent)} absent {words}",
    )

    for t in pack.thresholds:
        if t.window == "term":
            e = _term_threshold(pack, codes, t, term_sessions, through)
        else:
            e = _rolling_threshold(pack, codes, calendar, walk, t, span.start, stop)
        out[e.key] = e

    for r in pack.rates:
        e = _rate(pack, codes, calendar, walk, r, term, first, stop, term_sessions)
        out[e.key] = e

    out["forecast"] = _forecast(pack, calendar, term, stop, term_sessions, out)
    return out


def _a(word: str) -> str:
    """Return the article a pack's word takes ("an unauthorised", "a justified")."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def pack_sources(pack: Pack) -> tuple[str, ...]:
    """Return the sources a pack relies on, with those of the pack it extends (Kent: England)."""
    base = pack.extends
    inherited = pack_sources(load_pack(base)) if base else ()
    return tuple(dict.fromkeys((*pack.sources, *inherited)))


def _threshold_notes(pack: Pack, t: CountThreshold) -> tuple[str, ...]:
    keys = [t.key, "thresholds"] + (["rolling"] if t.window == "rolling" else [])
    return tuple(pack.notes[k] for k in keys if k in pack.notes) + ((t.note,) if t.note else ())


def _measure_words(pack: Pack, measure: str) -> str:
    words = pack.word("sessions")
    return f"absent {words}" if measure == "absent" else f"{pack.word(measure)} {words}"


def _term_threshold(
    pack: Pack,
    codes: tuple[Code, ...],
    t: CountThreshold,
    term_sessions: list[Session],
    through: str,
) -> Explanation:
    counted = _counted(term_sessions, MEASURE_TESTS[t.measure])
    what = _measure_words(pack, t.measure)
    reached_by = counted[t.sessions - 1] if len(counted) >= t.sessions else None
    shown = counted[: t.sessions]
    return Explanation(
        key=f"threshold-{t.key}",
        title=t.label,
        rule=(
            f"Reached on the day the count of {what} in the term first comes to {t.sessions} "
            f"({t.sessions / 2:g} days). The count runs {through}."
        ),
        working=(
            f"The {_ordinal(t.sessions)} of the {what} was {reached_by.label}"
            if reached_by is not None
            else f"{len(counted)} of the {t.sessions} {what} so far: not reached"
        ),
        value=None if reached_by is None else reached_by.day,
        codes=tuple(c for c in codes if MEASURE_TESTS[t.measure](c)),
        sessions=shown,
        sessions_heading=(
            f"The first {t.sessions} {what}"
            if reached_by is not None
            else f"The {len(counted)} {what} so far"
        ),
        reached_by=reached_by,
        notes=_threshold_notes(pack, t),
        sources=pack_sources(pack),
    )


def _window_start(calendar: Calendar, day: int, weeks: int) -> int:
    """Return the first day of the rolling window of `weeks` school weeks ending on `day`."""
    week = calendar.week_number
    earliest = int(week[day]) - (weeks - 1)
    start = day
    while start > 0 and week[start - 1] >= earliest:
        start -= 1
    return start


def _rolling_threshold(
    pack: Pack,
    codes: tuple[Code, ...],
    calendar: Calendar,
    walk: _Walk,
    t: CountThreshold,
    term_first: int,
    stop: int,
) -> Explanation:
    test = MEASURE_TESTS[t.measure]
    what = _measure_words(pack, t.measure)
    reached_day: int | None = None
    window: tuple[Session, ...] = ()

    def held(day: int) -> tuple[Session, ...]:
        return _counted(walk.sessions(range(_window_start(calendar, day, t.weeks), day + 1)), test)

    # An episode begins on an open day whose window holds the sessions when the open day
    # before did not; one carried over a break began in the earlier term.
    before = [d for d in range(term_first) if calendar.open[d]]
    was_met = bool(before) and len(held(before[-1])) >= t.sessions
    for day in range(term_first, stop):
        if not calendar.open[day]:
            continue
        counted = held(day)
        met = len(counted) >= t.sessions
        if met and not was_met:
            reached_day, window = day, counted
            break
        was_met = met
    # The window's last counted session reached the threshold.
    reached_by = None
    if reached_day is not None and window[-1].day == calendar.dates[reached_day]:
        reached_by = window[-1]

    # "Met now": the window ending on the last open day counted so far, and (when the
    # rule asks for it) a counted session within the last `ongoing_days` school days.
    open_days = [d for d in range(stop) if calendar.open[d]]
    met_now, now_count, ongoing = False, 0, True
    if open_days and stop > term_first:
        end = open_days[-1]
        now_count = len(
            _counted(walk.sessions(range(_window_start(calendar, end, t.weeks), end + 1)), test)
        )
        if t.ongoing_days:
            recent = open_days[-t.ongoing_days :]
            ongoing = bool(_counted(walk.sessions(recent), test))
        met_now = now_count >= t.sessions and ongoing
    now = f"In the {t.weeks} school weeks up to the latest school day counted there are {now_count}"
    if t.ongoing_days:
        now += f"; {'at least one' if ongoing else 'none'} in the last {t.ongoing_days} school days"
    now += f": {'met now' if met_now else 'not met now'}"
    return Explanation(
        key=f"threshold-{t.key}",
        title=t.label,
        rule=(
            f"Reached on the first school day of the term when the {what} in the {t.weeks} school "
            f"weeks ending that day come to {t.sessions} or more after the school day before "
            "they did not. The window may reach back across a term or year break; a count "
            "still high enough from the term before is that term's threshold, not a new one."
            + (
                f" It is met now only if there has also been one in the last {t.ongoing_days} "
                "school days."
                if t.ongoing_days
                else ""
            )
        ),
        working=(
            f"{len(window)} {what} in the window ending {day_label(calendar.dates[reached_day])} "
            f"{calendar.dates[reached_day].year}: reached" + f". {now}"
            if reached_day is not None
            else f"Not reached this term. {now}"
        ),
        value=None if reached_day is None else calendar.dates[reached_day],
        codes=tuple(c for c in codes if test(c)),
        sessions=window,
        sessions_heading=f"The {len(window)} {what} in the window that reached it"
        if window
        else "",
        reached_by=reached_by,
        met_now=met_now,
        notes=_threshold_notes(pack, t),
        sources=pack_sources(pack),
    )


def _rate(
    pack: Pack,
    codes: tuple[Code, ...],
    calendar: Calendar,
    walk: _Walk,
    r: RateFlag,
    term: str,
    first: int,
    stop: int,
    term_sessions: list[Session],
) -> Explanation:
    words = pack.word("sessions")
    if r.window == "year":
        year = calendar.term(term).year
        year_first = min(calendar.term_days[t.key].start for t in calendar.terms if t.year == year)
        sessions = walk.sessions(range(year_first, stop))
        span = "this school year so far"
    else:
        sessions = term_sessions
        span = "this term so far"
    possible = _counted(sessions, lambda c: c.half_day != "not_counted")
    counted = _counted(sessions, MEASURE_TESTS[r.measure])
    raised = bool(possible) and len(counted) >= r.at_least * len(possible)
    share = _percent(len(counted), len(possible))
    what = _measure_words(pack, r.measure)
    return Explanation(
        key=f"rate-{r.key}",
        title=r.label,
        rule=(
            f"Raised when the {what} {span} are {r.at_least * 100:g}% or more "
            f"of the possible {words}."
        ),
        working=(
            f"{len(counted)} of {len(possible)} possible {words} = {share:g}%: "
            f"{'raised' if raised else 'not raised'}"
            if share is not None
            else f"No possible {words} yet: not raised"
        ),
        value=raised,
        codes=tuple(c for c in codes if MEASURE_TESTS[r.measure](c)),
        sessions=counted,
        sessions_heading=f"The {len(counted)} {what} {span}",
        notes=tuple(pack.notes[k] for k in (r.key,) if k in pack.notes)
        + ((r.note,) if r.note else ()),
        sources=pack_sources(pack),
    )


def _forecast(
    pack: Pack,
    calendar: Calendar,
    term: str,
    stop: int,
    term_sessions: list[Session],
    explained: dict[str, Explanation],
) -> Explanation:
    words = pack.word("sessions")
    span = calendar.term_days[term]
    # The open sessions left in the term, by slot: a half day has one.
    future = [slot for slot in range(2 * stop, 2 * span.stop) if calendar.session_open[slot]]
    possible = len(_counted(term_sessions, lambda c: c.half_day != "not_counted"))
    rule = (
        "The forecast takes the next threshold not yet reached and assumes the rest of the term "
        f"goes at the rate so far: {words} still needed × possible {words} ÷ counted {words}, "
        f"rounded up, counted forward over the school days left in the term."
    )
    for t in pack.thresholds:
        if not (t.forecast and t.window == "term"):
            continue
        if explained[f"threshold-{t.key}"].value is not None:
            continue
        count = len(_counted(term_sessions, MEASURE_TESTS[t.measure]))
        need = t.sessions - count
        what = _measure_words(pack, t.measure)
        if count == 0:
            working = f"No {what} so far, so no rate to go on"
            value = None
        else:
            sessions = -((-need * possible) // count)  # ceil without floats
            if sessions > len(future):
                working = (
                    f"{need} more {what} needed; at {count} in {possible} possible {words} that "
                    f"takes {sessions} more {words}, but only {len(future)} are left this term"
                )
                value = None
            else:
                day = calendar.dates[future[sessions - 1] // 2]
                working = (
                    f"{need} more {what} needed for “{t.label}”; at {count} in {possible} possible "
                    f"{words} that takes {sessions} more {words}: {day_label(day)} {day.year}"
                )
                value = (t.key, day)
        return Explanation(
            key="forecast",
            title="Forecast",
            rule=rule,
            working=working,
            value=value,
            sources=pack_sources(pack),
        )
    return Explanation(
        key="forecast",
        title="Forecast",
        rule=rule,
        working="Every threshold the forecast looks at is reached already",
        value=None,
        sources=pack_sources(pack),
    )


def weekday_pattern(
    pack: Pack, calendar: Calendar, marks: np.ndarray, *, term: str, as_of: date
) -> list[WeekdayRate]:
    """Return, Monday to Friday, the possible and absent sessions of the term so far."""
    walk = _Walk(pack, calendar, marks)
    span = calendar.term_days[term]
    stop = max(span.start, min(span.stop, calendar.last_day_through(as_of) + 1))
    possible = [0] * 5
    absent = [0] * 5
    for s in walk.sessions(range(span.start, stop)):
        if s.code is None or s.code.half_day == "not_counted":
            continue
        possible[s.day.weekday()] += 1
        absent[s.day.weekday()] += s.code.half_day == "absent"
    return [WeekdayRate(WEEKDAYS[i], possible[i], absent[i]) for i in range(5)]


def enrolled_days(calendar: Calendar, start: date, end: date | None) -> tuple[int, int]:
    """Return an enrolment's first and last calendar day (inclusive), as the engine takes it."""
    first = int(np.searchsorted(calendar.days, np.datetime64(start, "D")))
    last_date = np.datetime64(end or date.max, "D")
    last = int(np.searchsorted(calendar.days, last_date, side="right")) - 1
    return first, last
