"""Write threshold events from evaluated registers."""

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from stepwise.register.models import PendingEvaluation
from stepwise.register.selectors import TermRows
from stepwise.schools.models import School, Term
from stepwise.schools.selectors import EnrolmentRows
from stepwise.schools.zones import school_today

from .models import ThresholdEvent
from .selectors import Evaluated, evaluate_terms


@dataclass
class EvaluationResult:
    students: int = 0
    created: int = 0
    moved: int = 0
    withdrawn: int = 0


def terms_to_evaluate(school: School, as_of: date) -> list[Term]:
    """Return the terms that have started by `as_of` in its school year and the one before."""
    started = list(school.terms.filter(start__lte=as_of).order_by("start"))
    if not started:
        return []
    year = started[-1].year
    return [t for t in started if t.year >= year - 1]


@transaction.atomic
def terms_evaluate(
    *,
    terms: list[Term],
    as_of: date | None = None,
    registers: dict[int, TermRows] | None = None,
    enrolments: EnrolmentRows | None = None,
) -> EvaluationResult:
    """Bring the terms' threshold events in line with their registers.

    `registers` may give some terms' rows as an import just wrote them, and
    `enrolments` the enrolments the import read: they are not read again.

    1. Evaluate every student's standing in each term (schools sharing a calendar
       together).
    2. For each threshold reached, keep the active event (moving its date if an
       amendment moved it) or create one.
    3. Withdraw active events whose threshold is no longer reached.
    4. Mark the terms' events up to date with their registers (no PendingEvaluation).
    """
    result = EvaluationResult()
    as_of = as_of or timezone.localdate()
    # Events need only the thresholds' standings: see `term_only`.
    for group in evaluate_terms(
        terms, as_of=as_of, registers=registers, enrolments=enrolments, term_only=True
    ):
        _sync_events(group, result)
    PendingEvaluation.objects.filter(term__in=[t.pk for t in terms]).delete()
    return result


def _sync_events(group: Evaluated, result: EvaluationResult) -> None:
    now = timezone.now()
    term_pks = [t.pk for t in group.terms]
    table = ThresholdEvent._meta.db_table
    active: dict[tuple[int, int, str], tuple[int, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, term_id, student_id, threshold, CAST(reached_on AS TEXT) FROM {table} "
            f"WHERE status = 'active' AND term_id IN ({','.join(map(str, term_pks))})"
        )
        for pk, term_pk, student_pk, threshold, reached_on in cursor.fetchall():
            active[term_pk, student_pk, threshold] = (pk, reached_on)
    create, move = [], []
    iso = [d.isoformat() for d in group.calendar.dates]
    row_term = np.array(term_pks, dtype=np.int64)[group.term_of_row].tolist()
    row_student = group.student_pk.tolist()
    for key, reached in group.standings.reached.items():
        for i in np.flatnonzero(reached >= 0).tolist():
            day = iso[reached[i]]
            event = active.pop((row_term[i], row_student[i], key), None)
            if event is None:
                create.append((row_student[i], row_term[i], key, day))
            elif event[1] != day:
                move.append(ThresholdEvent(pk=event[0], reached_on=day))
    _insert_events(create, detected_at=now)
    ThresholdEvent.objects.bulk_update(move, ["reached_on"], batch_size=5000)
    # Events still unmatched are withdrawn if their student was evaluated (and has
    # fallen back under the threshold); usually there are none, so the set is skipped.
    evaluated = set(zip(row_term, row_student, strict=True)) if active else set()
    gone = [
        pk
        for (term_pk, student_pk, _), (pk, _) in active.items()
        if (term_pk, student_pk) in evaluated
    ]
    for i in range(0, len(gone), 500):
        ThresholdEvent.objects.filter(pk__in=gone[i : i + 500]).update(
            status=ThresholdEvent.Status.WITHDRAWN, withdrawn_at=now
        )
    result.students += len(row_student)
    result.created += len(create)
    result.moved += len(move)
    result.withdrawn += len(gone)


def _insert_events(events: list[tuple[int, int, str, str]], *, detected_at) -> None:
    """Insert active events (student, term, threshold, ISO date reached).

    Raw SQL, not bulk_create: the first evaluation of a term can create hundreds of
    thousands of events, and building a model instance for each costs more than
    the insert itself.
    """
    if not events:
        return
    table = ThresholdEvent._meta.db_table
    columns = "student_id, term_id, threshold, reached_on, status, detected_at"
    detected = connection.ops.adapt_datetimefield_value(detected_at)
    active = ThresholdEvent.Status.ACTIVE.value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg's executemany still costs a round of work per row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for event in events:
                    copy.write_row((*event, active, detected))
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                [(*event, active, detected) for event in events],
            )


def school_evaluate(*, school: School, as_of: date | None = None) -> EvaluationResult:
    """Evaluate every term of the school that has started, writing threshold events."""
    as_of = as_of or school_today(school)
    return terms_evaluate(terms=terms_to_evaluate(school, as_of), as_of=as_of)
