"""Reads for the school leaders' pages: the early-warning list and the AMP dashboard.

The dashboard's attendance figures come from the register engine: one call per term
of the school year for its regular-attendance rate, and one per school week of the
current term for the tier counts over time (the marks are read once; each week only
moves `as_of`). They are cached per school, term, day counted and register version
(the latest import), so a new import shows at once and 20 leaders opening the
dashboard on the same morning cost one evaluation, not twenty.

Response coverage is cached the same way under the term's events-and-responses
version (stepwise.responses.selectors.responses_version), so it too changes with
every response recorded.
"""

import bisect
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.utils import timezone

from stepwise.register.selectors import register_version
from stepwise.responses.selectors import responses_version
from stepwise.responses.timeliness import Deadlines, with_first_answer
from stepwise.rules.days import WEEKDAYS
from stepwise.rules.deadline import LATE, ON_TIME
from stepwise.rules.engine import evaluate
from stepwise.rules.pack import CountThreshold, Pack
from stepwise.schools.models import School, Student, Term, TermTarget
from stepwise.schools.zones import school_zone
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import StudentInfo, TermRegister, term_register

CACHE_SECONDS = 6 * 60 * 60


def today() -> date:
    """Return the school's today (one place, so tests can hold the date still)."""
    return timezone.localdate()


# --- Early warning -----------------------------------------------------------------


@dataclass(frozen=True)
class EarlyWarning:
    """A student forecast to reach their next threshold soon."""

    student: StudentInfo
    threshold: CountThreshold
    forecast_on: date
    days_absent: float
    attendance_percent: float | None


def early_warning(
    school: School, term: Term, *, as_of: date, version: str | None = None
) -> list[EarlyWarning]:
    """Return the students forecast to reach a threshold within the pack's horizon.

    Sorted by the forecast date, then by name. Cached like the dashboard's figures.
    """
    version = version if version is not None else register_version(school)
    key = cache_key("early-warning", school, term, as_of, version)
    found = cache.get(key)
    if found is None:
        found = _compute_early_warning(school, term, as_of=as_of)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _compute_early_warning(school: School, term: Term, *, as_of: date) -> list[EarlyWarning]:
    register = term_register(school, term, as_of=as_of)
    s = register.standings
    soon = np.flatnonzero(s.forecast_soon).tolist()
    # Names for the few listed students only: the register never needs them.
    names = {
        pk: (national_id, given, family)
        for pk, national_id, given, family in Student.objects.filter(
            pk__in=[int(register.student_pk[i]) for i in soon]
        ).values_list("pk", "national_id", "given_name", "family_name")
    }
    found = []
    for i in soon:
        forecast_on = s.date_of(int(s.forecast_day[i]))
        assert forecast_on is not None  # forecast_soon implies a forecast day
        pk = int(register.student_pk[i])
        level, enrolled_from, enrolled_to = register.enrolment[i]
        percent = float(s.attendance_percent[i])
        found.append(
            EarlyWarning(
                student=StudentInfo(
                    pk,
                    *names[pk],
                    level,
                    date.fromisoformat(enrolled_from),
                    date.fromisoformat(enrolled_to) if enrolled_to else None,
                    register.spells[i],
                ),
                threshold=s.pack.thresholds[int(s.forecast_threshold[i])],
                forecast_on=forecast_on,
                days_absent=float(s.days_absent[i]),
                attendance_percent=None if np.isnan(percent) else round(percent, 1),
            )
        )
    found.sort(
        key=lambda w: (w.forecast_on, w.student.family_name.lower(), w.student.given_name.lower())
    )
    return found


# --- Attendance figures of a term (cached) -------------------------------------------


def share_percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


@dataclass(frozen=True)
class YearLevelRow:
    year_level: int
    students: int  # enrolled at some time in the term
    counted: int  # with at least one possible session counted
    regular: int
    tiers: tuple[int, ...]  # students in each of the pack's tiers, in order

    @property
    def regular_percent(self) -> float | None:
        return share_percent(self.regular, self.counted)


@dataclass(frozen=True)
class WeekdayRow:
    name: str
    possible: int  # possible sessions on this weekday, all students
    absent: int

    @property
    def absent_percent(self) -> float | None:
        return share_percent(self.absent, self.possible)


@dataclass(frozen=True)
class WeekPoint:
    monday: date
    counted_to: date  # the week's last open day counted
    tiers: tuple[int, ...]


@dataclass(frozen=True)
class Listed:
    """A student on one of the England lists (a rate flag or a rolling threshold)."""

    national_id: str
    name: str
    sort_name: tuple[str, str]
    year_level: int
    reached_on: date | None = None  # rolling thresholds: first day reached this term
    met_now: bool = False


@dataclass
class TermFigures:
    """Engine figures for one school term, counted up to `as_of` (plain data: cacheable)."""

    term_key: str
    as_of: date
    students: int
    counted: int
    regular: int
    tiers: tuple[int, ...]
    year_levels: list[YearLevelRow] = field(default_factory=list)
    weekdays: list[WeekdayRow] = field(default_factory=list)
    weeks: list[WeekPoint] = field(default_factory=list)
    flags: dict[str, list[Listed]] = field(default_factory=dict)  # rate key -> students
    rolling: dict[str, list[Listed]] = field(default_factory=dict)  # threshold key -> students

    @property
    def regular_percent(self) -> float | None:
        return share_percent(self.regular, self.counted)


def cache_key(kind: str, school: School, term: Term, as_of: date, *parts: object) -> str:
    """Return the cache key of something computed for a school's term up to a day."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]
    return f"dashboard:{kind}:{school.pk}:{term.pk}:{as_of.isoformat()}:{digest}"


def term_figures(
    school: School, term: Term, *, as_of: date, detail: bool, version: str | None = None
) -> TermFigures | None:
    """Return the term's figures counted up to `as_of` (None before the term starts).

    With `detail`, also the year levels, weekday pattern, weekly tiers and England lists.
    """
    if as_of < term.start:
        return None
    as_of = min(as_of, term.end)
    version = version if version is not None else register_version(school)
    key = cache_key("figures", school, term, as_of, int(detail), version)
    found = cache.get(key)
    if found is None:
        found = _compute_figures(school, term, as_of=as_of, detail=detail)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _compute_figures(school: School, term: Term, *, as_of: date, detail: bool) -> TermFigures:
    register = term_register(school, term, as_of=as_of)
    s = register.standings
    pack = s.pack
    counted = s.possible > 0
    regular = s.regular & counted
    tier_counts = np.bincount(s.tier, minlength=len(pack.tiers))
    figures = TermFigures(
        term_key=term.key,
        as_of=as_of,
        students=len(s),
        counted=int(counted.sum()),
        regular=int(regular.sum()),
        tiers=tuple(int(c) for c in tier_counts),
    )
    if detail:
        figures.year_levels = _year_levels(register, counted, regular)
        figures.weekdays = _weekdays(register, as_of)
        figures.weeks = _weeks(register, as_of)
        if pack.rates or any(t.window == "rolling" for t in pack.thresholds):
            figures.flags, figures.rolling = _rate_and_rolling_lists(register)
    return figures


def _year_levels(register: TermRegister, counted: np.ndarray, regular: np.ndarray):
    s = register.standings
    levels = np.array([e[0] for e in register.enrolment], dtype=np.int32)
    rows = []
    for level in sorted(set(levels.tolist())):
        at = levels == level
        rows.append(
            YearLevelRow(
                year_level=level,
                students=int(at.sum()),
                counted=int((at & counted).sum()),
                regular=int((at & regular).sum()),
                tiers=tuple(int(c) for c in np.bincount(s.tier[at], minlength=len(s.pack.tiers))),
            )
        )
    return rows


def _code_tables(pack: Pack) -> tuple[np.ndarray, np.ndarray]:
    """Return lookup tables by register byte: counts as possible, counts as absent."""
    possible = np.zeros(256, dtype=np.int64)
    absent = np.zeros(256, dtype=np.int64)
    for c in pack.codes:
        possible[c.index] = c.half_day != "not_counted"
        absent[c.index] = c.half_day == "absent"
    return possible, absent


def _open_days(register: TermRegister, as_of: date) -> list[int]:
    """Return the calendar indices of the term's open days up to `as_of`."""
    cal = register.calendar
    days = cal.term_days[register.standings.term.key]
    return [i for i in range(days.start, days.stop) if cal.open[i] and cal.dates[i] <= as_of]


def _weekdays(register: TermRegister, as_of: date) -> list[WeekdayRow]:
    """Return, per weekday, the sessions possible and absent over the term so far."""
    cal = register.calendar
    possible_of, absent_of = _code_tables(register.standings.pack)
    possible = [0] * 5
    absent = [0] * 5
    days = _open_days(register, as_of)
    if days and len(register.marks):
        slots = np.array([2 * d + k for d in days for k in (0, 1)], dtype=np.intp)
        block = register.marks[:, slots]
        per_slot_possible = possible_of[block].sum(axis=0)
        per_slot_absent = absent_of[block].sum(axis=0)
        for j, d in enumerate(days):
            weekday = cal.dates[d].weekday()
            possible[weekday] += int(per_slot_possible[2 * j] + per_slot_possible[2 * j + 1])
            absent[weekday] += int(per_slot_absent[2 * j] + per_slot_absent[2 * j + 1])
    return [WeekdayRow(WEEKDAYS[w], possible[w], absent[w]) for w in range(5)]


def _weeks(register: TermRegister, as_of: date) -> list[WeekPoint]:
    """Return the tier counts at the end of each school week of the term so far.

    Each week is one engine call over the marks already read, counting up to the
    week's last open day; a student counts from the week they were enrolled in.
    """
    cal = register.calendar
    s = register.standings
    last_of_week: dict[tuple[int, int], int] = {}
    for d in _open_days(register, as_of):
        last_of_week[cal.dates[d].isocalendar()[:2]] = d
    points = []
    weeks = list(last_of_week.values())
    for n, d in enumerate(weeks):
        day = cal.dates[d]
        # The last week's last open day counts the same sessions as the register's as_of.
        if n == len(weeks) - 1:
            tiers = s.tier
        else:
            tiers = evaluate(s.pack, cal, register.marks, term=s.term.key, as_of=day).tier
        on_roll = register.on_roll(day)
        counts = np.bincount(tiers[on_roll], minlength=len(s.pack.tiers))
        points.append(
            WeekPoint(
                monday=day - timedelta(days=day.weekday()),
                counted_to=day,
                tiers=tuple(int(c) for c in counts),
            )
        )
    return points


def _rate_and_rolling_lists(register: TermRegister):
    """Return the students flagged by each rate, and those who reached each rolling threshold."""
    s = register.standings
    students = register.students

    def listed(i: int, reached: int = -1, met_now: bool = False) -> Listed:
        info = students[i]
        return Listed(
            national_id=info.national_id,
            name=info.full_name,
            sort_name=(info.family_name.lower(), info.given_name.lower()),
            year_level=info.year_level,
            reached_on=s.date_of(reached),
            met_now=met_now,
        )

    flags = {
        rate.key: sorted(
            (listed(i) for i in np.flatnonzero(s.flags[rate.key]).tolist()),
            key=lambda x: x.sort_name,
        )
        for rate in s.pack.rates
    }
    rolling = {}
    for t in s.pack.thresholds:
        if t.window != "rolling":
            continue
        reached = s.reached[t.key]
        current = s.current.get(t.key, np.zeros(len(s), dtype=bool))
        rolling[t.key] = sorted(
            (
                listed(i, int(reached[i]), bool(current[i]))
                for i in np.flatnonzero(reached >= 0).tolist()
            ),
            key=lambda x: (x.reached_on, x.sort_name),
        )
    return flags, rolling


# --- The school year's terms and targets ---------------------------------------------


@dataclass(frozen=True)
class TermRow:
    term: Term
    figures: TermFigures | None  # None before the term starts
    target: Decimal
    target_is_default: bool

    @property
    def regular_percent(self) -> float | None:
        return self.figures.regular_percent if self.figures else None

    @property
    def met_target(self) -> bool | None:
        percent = self.regular_percent
        return None if percent is None else percent >= self.target


def default_target(pack: Pack) -> Decimal:
    """Return the pack's regular-attendance target, used until a school sets its own."""
    return Decimal(str(pack.regular.target_percent))


def national_goal(pack: Pack) -> tuple[Decimal, str] | None:
    """Return the government's goal for regular attendance, where the pack has one."""
    if not pack.regular.national_goal:
        return None
    return Decimal(str(pack.regular.target_percent)), pack.regular.target_note


def year_terms(school: School, term: Term) -> list[Term]:
    """Return the terms of the school year `term` belongs to, in order."""
    return sorted((t for t in school.terms.all() if t.year == term.year), key=lambda t: t.start)


def targets_for(terms: list[Term], pack: Pack) -> dict[int, tuple[Decimal, bool]]:
    """Return each term's target and whether it is the pack's default."""
    found = dict(
        TermTarget.objects.filter(term__in=terms).values_list("term_id", "regular_percent")
    )
    default = default_target(pack)
    return {t.pk: (found[t.pk], False) if t.pk in found else (default, True) for t in terms}


def year_rows(
    school: School,
    term: Term,
    *,
    as_of: date,
    version: str,
    targets: dict[int, tuple[Decimal, bool]] | None = None,
) -> list[TermRow]:
    """Return each term of `term`'s school year with its regular-attendance rate and target."""
    terms = year_terms(school, term)
    targets = targets if targets is not None else targets_for(terms, school.rules)
    return [
        TermRow(
            term=t,
            figures=term_figures(school, t, as_of=as_of, detail=t.pk == term.pk, version=version),
            target=targets[t.pk][0],
            target_is_default=targets[t.pk][1],
        )
        for t in terms
    ]


# --- Response coverage (live) ----------------------------------------------------------


@dataclass
class CoverageRow:
    threshold: CountThreshold | None  # None for the total row
    events: int = 0
    on_time: int = 0  # answered by the due day (stepwise.rules.deadline)
    late: int = 0  # answered, but after the due day
    waiting: int = 0  # no response yet, still in time
    missed: int = 0  # no response, and the due day has passed

    @property
    def on_time_percent(self) -> float | None:
        return share_percent(self.on_time, self.events)


@dataclass
class CoverageCounts:
    """How one threshold's events were answered, apart from the clock (plain data: cacheable)."""

    events: int = 0
    on_time: int = 0
    late: int = 0
    unanswered: list[date] = field(default_factory=list)  # due days, sorted


def response_coverage(
    term: Term, pack: Pack, *, now: datetime, version: str | None = None
) -> list[CoverageRow]:
    """Return, per threshold and in total, how the term's active events were answered.

    Each event is judged by the one rule the queue, the student page, the export and
    the API use (`stepwise.responses.timeliness`): answered in time when a response that
    stands was first recorded by the due day, counted from the day the threshold was
    reached. The counts are cached under the term's events-and-responses version (a
    response shows at once); only whether an unanswered event is still in time is
    worked out from `now`.
    """
    version = version if version is not None else responses_version(term)
    digest = hashlib.sha256(f"{pack.key}|{version}".encode()).hexdigest()[:20]
    key = f"dashboard:coverage:{term.school_id}:{term.pk}:{digest}"
    counted: dict[str, CoverageCounts] | None = cache.get(key)
    if counted is None:
        counted = _coverage_counts(term)
        cache.set(key, counted, CACHE_SECONDS)
    today = timezone.localtime(now, school_zone(term.school)).date()
    rows = {t.key: CoverageRow(t) for t in pack.thresholds}
    total = CoverageRow(None)
    for key, found in counted.items():
        waiting = len(found.unanswered) - bisect.bisect_left(found.unanswered, today)
        # An event of a threshold the pack no longer has still counts in the total.
        for row in (rows[key], total) if key in rows else (total,):
            row.events += found.events
            row.on_time += found.on_time
            row.late += found.late
            row.waiting += waiting
            row.missed += found.events - found.on_time - found.late - waiting
    return [*rows.values(), total]


def _coverage_counts(term: Term) -> dict[str, CoverageCounts]:
    """Count the term's active events per threshold: answered in time, later, or not yet."""
    deadlines = Deadlines(term.school)
    active = ThresholdEvent.objects.filter(term=term, status=ThresholdEvent.Status.ACTIVE)
    fields = ("threshold", "reached_on", "first_answer")
    events = with_first_answer(active).order_by().values_list(*fields)
    counted: dict[str, CoverageCounts] = {}
    for key, reached_on, first_answer in events:
        found = counted.setdefault(key, CoverageCounts())
        found.events += 1
        # Judged as if today were the due day: answered or not, and in time or late.
        due = deadlines.due_on(reached_on)
        state = deadlines.timeliness(reached_on, first_answer, due)
        if state == ON_TIME:
            found.on_time += 1
        elif state == LATE:
            found.late += 1
        else:
            found.unanswered.append(due)
    for found in counted.values():
        found.unanswered.sort()
    return counted
