"""When a response to a threshold is due, and whether it came in time.

One definition for every page, export and the API. A threshold has a day, not a
time: the absence that tips a student over is known once that day's register is
marked, so the clock starts at the end of the day the threshold was reached. It
runs for the pack's hours (`[responses] due_hours`), on every day but those the
pack says it skips (`due_skips`: "weekends", and "closed" for the days the school
is shut). The due day itself counts whole: 48 hours from the end of Monday is the
end of Wednesday. A threshold is answered in time when a response that still
stands was first recorded on or before the due day; a correction keeps the day
the response was first recorded.
"""

import math
from collections.abc import Callable
from datetime import date, timedelta

SKIPS = ("weekends", "closed")

ON_TIME = "on_time"  # answered, recorded by the due day
LATE = "late"  # answered, recorded after the due day
DUE = "due"  # not answered yet, still in time
OVERDUE = "overdue"  # not answered, the due day has passed

TIMELINESS_LABELS = {
    ON_TIME: "Answered in time",
    LATE: "Answered late",
    DUE: "Not answered yet, still in time",
    OVERDUE: "Not answered, overdue",
}


def due_on(
    reached_on: date,
    hours: int,
    skips: tuple[str, ...] = (),
    closed: Callable[[date], bool] | None = None,
) -> date:
    """Return the last day a response to a threshold reached on `reached_on` is in time.

    Part of a day counts as a whole day. `closed` says whether the school is shut on a
    day; it is asked only when the pack skips closed days.
    """
    days = math.ceil(hours / 24)
    day = reached_on
    while days > 0:
        day += timedelta(days=1)
        if "weekends" in skips and day.weekday() >= 5:
            continue
        if "closed" in skips and closed is not None and closed(day):
            continue
        days -= 1
    return day


def timeliness(due: date, recorded_on: date | None, today: date) -> str:
    """Return how a threshold due by `due` stands, given the day it was first answered."""
    if recorded_on is not None:
        return ON_TIME if recorded_on <= due else LATE
    return DUE if today <= due else OVERDUE
