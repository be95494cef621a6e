"""Whether a threshold was answered in time: the one reading every page, export and the API use.

The rule itself is `stepwise.rules.deadline` (the clock starts at the end of the day
the threshold was reached and runs for the pack's hours). This module applies it to
stored events and responses: the day a response was first recorded, in the school's
own time zone (a Kent afternoon is already tomorrow in Auckland), and the school's
closed days when the pack skips them.
"""

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from stepwise.rules.deadline import due_on, timeliness
from stepwise.schools.calendars import closed_days
from stepwise.schools.models import School
from stepwise.schools.zones import school_zone
from stepwise.standings.models import ThresholdEvent

from .models import ResponseActivity


def recorded_day(recorded_at: datetime, zone: ZoneInfo) -> date:
    """Return the day a response was recorded, where the school is."""
    return timezone.localtime(recorded_at, zone).date()


class Deadlines:
    """The due day of a school's thresholds, by the day each was reached."""

    def __init__(self, school: School):
        self.pack = school.rules
        self._school = school
        self.zone = school_zone(school)
        self._closed: Callable[[date], bool] | None = None

    def _is_closed(self, day: date) -> bool:
        if self._closed is None:
            terms = list(self._school.terms.all())
            shut = closed_days(self._school, terms)
            self._closed = lambda d: d in shut or not any(t.start <= d <= t.end for t in terms)
        return self._closed(day)

    def due_on(self, reached_on: date) -> date:
        pack = self.pack
        closed = self._is_closed if "closed" in pack.response_due_skips else None
        return due_on(reached_on, pack.response_due_hours, pack.response_due_skips, closed)

    def timeliness(self, reached_on: date, first_recorded_at: datetime | None, today: date) -> str:
        """Return on_time, late, due or overdue (see `stepwise.rules.deadline`)."""
        recorded = None if first_recorded_at is None else self.recorded_on(first_recorded_at)
        return timeliness(self.due_on(reached_on), recorded, today)

    def in_time(self, reached_on: date | None, recorded_at: datetime) -> bool | None:
        """Return whether a response was recorded by its threshold's due day (None: none)."""
        if reached_on is None:
            return None
        return self.recorded_on(recorded_at) <= self.due_on(reached_on)

    def recorded_on(self, recorded_at: datetime) -> date:
        """Return the school's day on which a response was recorded."""
        return recorded_day(recorded_at, self.zone)


def with_first_answer(events: QuerySet[ThresholdEvent]) -> QuerySet[ThresholdEvent]:
    """Annotate each event with `first_answer`: when its first standing response was recorded."""
    first = (
        ResponseActivity.objects.effective()
        .filter(threshold_event=OuterRef("pk"))
        .order_by()
        .values("threshold_event")
        .annotate(first=Min("recorded_at"))
        .values("first")
    )
    return events.annotate(first_answer=Subquery(first))
