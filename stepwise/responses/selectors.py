"""Reads for the threshold queue and recorded response activities.

When is a response due? `stepwise.rules.deadline` says, for every page alike: the
clock starts at the end of the day the student reached the threshold, never at the
event's `detected_at` (when Stepwise happened to evaluate the register: it depends
on when the SMS export ran, and it keeps its first value when an amended register
moves the date). So a threshold reached on Monday is due by the end of Wednesday
and overdue on Thursday.

The queue page of a 3,000-student school evaluates the queue once per change, not
once per request: `queue_rows` is cached per school, term and day under a version
made of the register's (imports, closures, term dates: names, year levels, tiers,
school days) and the term's events and responses (`responses_version`). So a
response recorded or a new import shows at once, and twenty staff opening the
queue cost one evaluation.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from stepwise.rules.calendar import Calendar
from stepwise.rules.deadline import DUE, OVERDUE, timeliness
from stepwise.rules.pack import CountThreshold, Level, Pack
from stepwise.schools.calendars import school_calendar
from stepwise.schools.models import School, Student, Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import term_register

from .models import Description, ResponseActivity
from .timeliness import Deadlines

CRITICAL = "critical"
STATUSES = (DUE, OVERDUE, CRITICAL)
# The queue's order: the most urgent first, then by when each is due.
URGENCY = {CRITICAL: 0, OVERDUE: 1, DUE: 2}
CACHE_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class QueueStudent:
    pk: int
    national_id: str
    given_name: str
    family_name: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class QueueItem:
    event_pk: int
    threshold: CountThreshold
    reached_on: date
    student: QueueStudent
    year_level: int | None
    tier: Level | None
    due_by: date
    school_days_waiting: int
    status: str  # due | overdue | critical


def open_days_after(calendar: Calendar, days: list[date], through: date) -> list[int]:
    """Return, for each day, the open school days after it up to and including `through`."""
    opened = np.concatenate(([0], np.cumsum(calendar.open)))
    last = np.searchsorted(calendar.days, np.array(days, dtype="datetime64[D]"), side="right")
    counts = opened[calendar.last_day_through(through) + 1] - opened[last]
    return np.maximum(counts, 0).tolist()


def open_days_between(calendar: Calendar, after: date, through: date) -> int:
    """Return the open school days in the calendar after one day, up to and including another."""
    return open_days_after(calendar, [after], through)[0]


def answered() -> Exists:
    """Return whether a response that still stands answers the threshold event (OuterRef)."""
    return Exists(ResponseActivity.objects.effective().filter(threshold_event=OuterRef("pk")))


def unanswered_events(term: Term) -> QuerySet[ThresholdEvent]:
    """Return the term's active threshold events that no standing response answers."""
    return ThresholdEvent.objects.filter(term=term, status=ThresholdEvent.Status.ACTIVE).exclude(
        answered()
    )


class QueueRow(NamedTuple):
    """One queue item as plain values (cheap to cache); QueueItem is what pages use."""

    event_pk: int
    threshold: int  # index into the pack's thresholds
    reached_on: date
    student_pk: int
    national_id: str
    given_name: str
    family_name: str
    year_level: int | None
    tier: int | None  # index into the pack's tiers
    due_by: date
    school_days_waiting: int
    status: str


def queue_item(pack: Pack, row: QueueRow) -> QueueItem:
    """Return the queue item a row stands for."""
    return QueueItem(
        event_pk=row.event_pk,
        threshold=pack.thresholds[row.threshold],
        reached_on=row.reached_on,
        student=QueueStudent(row.student_pk, row.national_id, row.given_name, row.family_name),
        year_level=row.year_level,
        tier=None if row.tier is None else pack.tiers[row.tier],
        due_by=row.due_by,
        school_days_waiting=row.school_days_waiting,
        status=row.status,
    )


def threshold_queue(school: School, term: Term, today: date) -> list[QueueItem]:
    """Return the term's threshold events still waiting for a response, most urgent first.

    An event is overdue once its 48 hours have passed (see the module docstring)
    and critical once more than the pack's number of school days have gone by
    since the day it was reached.
    """
    pack = school.rules
    return [queue_item(pack, row) for row in _compute_queue_rows(school, term, today)]


def responses_version(term: Term) -> str:
    """Return a string that changes whenever the term's events or their responses change.

    Events are only added, withdrawn (status and time) or moved to another day, and
    moved only when marks or the calendar change (an import, a closure, term dates),
    which the register's version covers; responses are only added or deleted
    (retention). So the highest ids, the latest withdrawal and counts tell every
    other change apart. The counts are of joined rows (an event counts once per
    response): plain sums, no sorting, and still changed by any of those changes.
    One small query, in SQL: every queue and dashboard page asks.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(e.id), MAX(e.id), SUM(CASE WHEN e.status = %s THEN 1 ELSE 0 END), "
            "MAX(e.withdrawn_at), COUNT(r.id), MAX(r.id) "
            f"FROM {ThresholdEvent._meta.db_table} e "
            f"LEFT JOIN {ResponseActivity._meta.db_table} r ON r.threshold_event_id = e.id "
            "WHERE e.term_id = %s",
            [ThresholdEvent.Status.ACTIVE.value, term.pk],
        )
        found = cursor.fetchone()
    return ":".join(map(str, found))


def cache_key(kind: str, school: School, term: Term, today: date, *parts: object) -> str:
    """Return the cache key of something about a school's term queue on a day."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]
    return f"responses:{kind}:{school.pk}:{term.pk}:{today.isoformat()}:{digest}"


def queue_rows(school: School, term: Term, today: date, *, version: str) -> list[QueueRow]:
    """Return the term's queue as rows, most urgent first, from the cache when nothing changed.

    `version` must change whenever the queue could: the register's version (names,
    year levels, tiers, school days) with `responses_version`; the view builds it.
    """
    key = cache_key("queue", school, term, today, school.pack, version)
    found = cache.get(key)
    if found is None:
        found = _compute_queue_rows(school, term, today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _compute_queue_rows(school: School, term: Term, today: date) -> list[QueueRow]:
    """Evaluate the queue.

    The queue of a large school runs to a thousand rows, so this reads plain values,
    not model instances, and takes names, year levels and tiers from one evaluation
    of just the students waiting.
    """
    pack = school.rules
    thresholds = {t.key: i for i, t in enumerate(pack.thresholds)}
    events = [
        e
        for e in unanswered_events(term).values_list("pk", "student_id", "threshold", "reached_on")
        if e[2] in thresholds  # a key a changed pack no longer has cannot be shown
    ]
    if not events:
        return []
    register = term_register(school, term, as_of=today, student_pks=sorted({e[1] for e in events}))
    students: dict[int, tuple[str, str, str, int | None, int | None]] = {
        info.pk: (info.national_id, info.given_name, info.family_name, info.year_level, tier)
        for info, tier in zip(register.students, register.standings.tier.tolist(), strict=True)
    }
    missing = {e[1] for e in events} - students.keys()
    for pk, *names in Student.objects.filter(pk__in=missing).values_list(
        "pk", "national_id", "given_name", "family_name"
    ):
        # Enrolled outside the term since the event was found: still owed a response.
        students[pk] = (names[0], names[1], names[2], None, None)
    calendar = school_calendar(school, [term])
    waiting = open_days_after(calendar, [e[3] for e in events], min(today, term.end))
    deadlines = Deadlines(school)
    rows = []
    for (pk, student_pk, key, reached_on), days in zip(events, waiting, strict=True):
        national_id, given_name, family_name, year_level, tier = students[student_pk]
        deadline = deadlines.due_on(reached_on)
        # Due or overdue by the one rule every page uses; critical after the school days.
        status = (
            CRITICAL if days > pack.response_critical_days else timeliness(deadline, None, today)
        )
        rows.append(
            QueueRow(
                event_pk=pk,
                threshold=thresholds[key],
                reached_on=reached_on,
                student_pk=student_pk,
                national_id=national_id,
                given_name=given_name,
                family_name=family_name,
                year_level=year_level,
                tier=tier,
                due_by=deadline,
                school_days_waiting=days,
                status=status,
            )
        )
    rows.sort(
        key=lambda r: (
            URGENCY[r.status],
            r.due_by,
            r.family_name.casefold(),
            r.given_name.casefold(),
            r.threshold,
        )
    )
    return rows


def filter_queue(
    items: list[QueueItem], *, threshold: str = "", status: str = "", year_level: int | None = None
) -> list[QueueItem]:
    """Return the queue items matching every filter given."""
    return [
        i
        for i in items
        if (not threshold or i.threshold.key == threshold)
        and (not status or i.status == status)
        and (year_level is None or i.year_level == year_level)
    ]


def queue_counts(items: list[QueueItem]) -> tuple[Counter[str], Counter[str]]:
    """Return how many queue items there are per threshold key and per status."""
    return Counter(i.threshold.key for i in items), Counter(i.status for i in items)


def current_descriptions(school: School) -> dict[str, list[Description]]:
    """Return the school's Descriptions in use, in order, by response type key."""
    found: dict[str, list[Description]] = {t.key: [] for t in school.rules.response_types}
    for d in school.descriptions.filter(retired=False):
        found.setdefault(d.response_type, []).append(d)
    return found


def all_descriptions(school: School) -> dict[str, list[Description]]:
    """Return all the school's Descriptions, retired ones too, in order, by response type key."""
    found: dict[str, list[Description]] = {t.key: [] for t in school.rules.response_types}
    for d in school.descriptions.all():
        found.setdefault(d.response_type, []).append(d)
    return found


def student_events(student: Student, term: Term) -> QuerySet[ThresholdEvent]:
    """Return the student's active threshold events in a term, oldest first."""
    return ThresholdEvent.objects.filter(
        student=student, term=term, status=ThresholdEvent.Status.ACTIVE
    ).annotate(answered=answered())


def with_history(responses: QuerySet[ResponseActivity]) -> QuerySet[ResponseActivity]:
    """Return the responses as their history lists them, each with what replaced it.

    A withdrawal is shown on the response it withdraws, so it is not listed itself;
    `sent_letter` is set on a response that records a letter Stepwise sent.
    """
    return (
        responses.filter(withdrawn=False)
        .select_related("threshold_event", "recorded_by", "correction__changed_by", "corrects")
        .annotate(sent_letter=F("letter__pk"))
    )


def student_responses(school: School, student: Student) -> QuerySet[ResponseActivity]:
    """Return the responses the school recorded for a student, latest first."""
    return with_history(ResponseActivity.objects.filter(school=school, student=student))


def term_of(activity: ResponseActivity) -> Term | None:
    """Return the term a response belongs to: its threshold's, else the one its date is in."""
    if activity.threshold_event is not None:
        return activity.threshold_event.term
    return activity.school.terms.filter(
        start__lte=activity.happened_on, end__gte=activity.happened_on
    ).first()


def term_responses(school: School, term: Term) -> QuerySet[ResponseActivity]:
    """Return the responses recorded for a school's term, latest first.

    A response belongs to the term of its threshold event, or, without one, to the
    term its date falls in.
    """
    in_term = Q(threshold_event__term=term) | Q(
        threshold_event__isnull=True, happened_on__range=(term.start, term.end)
    )
    return (
        with_history(ResponseActivity.objects.filter(in_term, school=school))
        .select_related("student")
        .order_by("-happened_on", "-recorded_at", "-pk")
    )
