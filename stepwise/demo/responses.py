"""Demo responses: a school that answers most thresholds in time, some late, a few not yet.

Without them every threshold of the year would wait in the queue as critical, which no
school that uses Stepwise looks like. Each response goes through the real service, on
a weekday, recorded in the afternoon of the school's own day.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from stepwise.responses.models import Description
from stepwise.responses.services import response_record
from stepwise.responses.timeliness import Deadlines
from stepwise.rules.days import weekdays
from stepwise.schools.models import School
from stepwise.schools.zones import school_zone
from stepwise.standings.models import ThresholdEvent

IN_TIME = 0.86  # share of thresholds answered by their due day
LATE = 0.12  # answered, but after it; the rest wait (critical, if they waited long)
LATE_DAYS = (1, 7)  # how many days after the due day a late answer came
# The response a school usually records at each rung of its thresholds, if its pack has it.
TYPES_BY_RUNG = (
    ("conversation", "written_communication"),
    ("support_plan", "conversation", "in_school_resources"),
    ("external_referral", "support_plan"),
)


def demo_detected_nightly(school: School) -> None:
    """Date each threshold as a nightly evaluation would have found it: early next morning.

    The demo evaluates a year of registers at once; without this every threshold of the
    year would look "new today" to the officer.
    """
    zone, now = school_zone(school), timezone.now()
    events = list(ThresholdEvent.objects.filter(term__school=school))
    for event in events:
        morning = datetime.combine(event.reached_on + timedelta(days=1), time(6), tzinfo=zone)
        event.detected_at = min(morning, now)
    ThresholdEvent.objects.bulk_update(events, ["detected_at"], batch_size=500)


def demo_responses(*, school: School, officer: User, as_of: date, seed: int) -> int:
    """Answer the school's thresholds reached by `as_of` as a diligent school would."""
    rng = random.Random(f"{seed}:{school.code}:responses")
    pack = school.rules
    deadlines = Deadlines(school)
    zone = school_zone(school)
    rungs = {t.key: i for i, t in enumerate(pack.thresholds)}
    known = {t.key for t in pack.response_types}
    descriptions: dict[str, list[Description]] = {}
    for d in Description.objects.filter(school=school, retired=False).order_by("position", "pk"):
        descriptions.setdefault(d.response_type, []).append(d)
    events = (
        ThresholdEvent.objects.filter(
            term__school=school, status=ThresholdEvent.Status.ACTIVE, reached_on__lte=as_of
        )
        .select_related("student", "term")
        .order_by("reached_on", "pk")
    )
    answered = 0
    for event in events:
        day = _answer_day(rng, event.reached_on, deadlines.due_on(event.reached_on), as_of)
        if day is None:
            continue
        rung = TYPES_BY_RUNG[min(rungs.get(event.threshold, 0), len(TYPES_BY_RUNG) - 1)]
        kind = rng.choice([k for k in rung if k in known] or [pack.response_types[0].key])
        response_record(
            school=school,
            student=event.student,
            threshold_event=event,
            response_type=kind,
            description=rng.choice(descriptions[kind]) if descriptions.get(kind) else None,
            happened_on=day,
            done_by=officer.get_full_name() or officer.get_username(),
            recorded_by=officer,
            now=datetime.combine(day, time(15, rng.randrange(60)), tzinfo=zone),
        )
        answered += 1
    return answered


def _answer_day(rng: random.Random, reached: date, due: date, as_of: date) -> date | None:
    """Return the weekday a threshold was answered on, or None if it is still waiting."""
    roll = rng.random()
    if roll < IN_TIME:
        days = weekdays(reached, min(due, as_of))
    elif roll < IN_TIME + LATE:
        late = due + timedelta(days=rng.randint(*LATE_DAYS))
        days = weekdays(late, min(late, as_of))
    else:
        return None
    return rng.choice(days) if days else None
