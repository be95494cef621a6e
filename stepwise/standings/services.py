"""Write threshold events from a school's evaluated register."""

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction
from django.utils import timezone

from stepwise.schools.models import School, Term

from .models import ThresholdEvent
from .selectors import term_register


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
def standings_evaluate(*, school: School, term: Term, as_of: date | None = None) -> EvaluationResult:
    """Bring the term's threshold events in line with its register.

    1. Evaluate every student's standing in the term.
    2. For each threshold reached, keep the active event (moving its date if an
       amendment moved it) or create one.
    3. Withdraw active events whose threshold is no longer reached.
    """
    as_of = as_of or timezone.localdate()
    register = term_register(school, term, as_of=as_of)
    standings = register.standings
    now = timezone.now()
    active = {
        (e.student_id, e.threshold): e
        for e in ThresholdEvent.objects.filter(term=term, status=ThresholdEvent.Status.ACTIVE)
    }
    result = EvaluationResult(students=len(register.students))
    create, move = [], []
    dates = standings.calendar.dates
    for key, reached in standings.reached.items():
        for i in np.flatnonzero(reached >= 0):
            student_pk = register.students[i].pk
            day = dates[reached[i]]
            event = active.pop((student_pk, key), None)
            if event is None:
                create.append(
                    ThresholdEvent(student_id=student_pk, term=term, threshold=key,
                                   reached_on=day, detected_at=now)
                )  # fmt: skip
            elif event.reached_on != day:
                event.reached_on = day
                move.append(event)
    ThresholdEvent.objects.bulk_create(create, batch_size=2000)
    ThresholdEvent.objects.bulk_update(move, ["reached_on"], batch_size=2000)
    in_term = {s.pk for s in register.students}
    gone = [e.pk for (student_pk, _), e in active.items() if student_pk in in_term]
    for i in range(0, len(gone), 500):
        ThresholdEvent.objects.filter(pk__in=gone[i : i + 500]).update(
            status=ThresholdEvent.Status.WITHDRAWN, withdrawn_at=now
        )
    result.created, result.moved, result.withdrawn = len(create), len(move), len(gone)
    return result


def school_evaluate(*, school: School, as_of: date | None = None) -> EvaluationResult:
    """Evaluate every term of the school that has started, writing threshold events."""
    as_of = as_of or timezone.localdate()
    total = EvaluationResult()
    for term in terms_to_evaluate(school, as_of):
        result = standings_evaluate(school=school, term=term, as_of=as_of)
        total.created += result.created
        total.moved += result.moved
        total.withdrawn += result.withdrawn
        total.students = max(total.students, result.students)
    return total
