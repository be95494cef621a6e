"""Whether a threshold was answered within its hours: every page, export and the API agree.

The clock starts at the end of the day the threshold was reached, never when Stepwise
happened to evaluate the register (`detected_at`): an evaluation run weeks late must not
make a late response look on time.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from stepwise.api.services import token_create
from stepwise.dashboard.selectors import response_coverage
from stepwise.responses.selectors import threshold_queue
from stepwise.responses.services import response_record
from stepwise.standings.models import ThresholdEvent

from .conftest import TODAY, squash

NZ = ZoneInfo("Pacific/Auckland")
LONDON = ZoneInfo("Europe/London")


def at(day: date, zone=NZ, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=zone)


def record(school, user, event, day: date, zone=NZ, hour: int = 10):
    return response_record(
        school=school,
        student=event.student,
        threshold_event=event,
        response_type="conversation",
        happened_on=day,
        done_by="Ms Officer",
        recorded_by=user,
        now=at(day, zone, hour),
    )


def text(page) -> str:
    """Return a page's words without its markup, each run of whitespace as one space."""
    return (
        squash(re.sub(r"<[^>]+>", " ", page.content.decode())).replace(" ,", ",").replace(" :", ":")
    )


def coverage_row(school, event):
    rows = response_coverage(event.term, school.rules, now=at(TODAY))
    (row,) = [r for r in rows if r.threshold and r.threshold.key == event.threshold]
    return (row.events, row.on_time, row.late, row.waiting, row.missed)


def exported(client, school, national_id: str) -> list[dict[str, str]]:
    page = client.get(
        f"/schools/{school.code}/dashboard/ministry-export/",
        {"from": "2026-09-01", "to": TODAY.isoformat()},
    )
    assert page.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(page.streaming_content))) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("responses.csv").decode())))
    return [r for r in rows if r["student_id"] == national_id]


def api_event(school, event) -> dict:
    _, secret = token_create(organisation=school.organisation, name="check", created_by=None)
    found = Client().get(
        f"/api/v1/schools/{school.code}/threshold-events",
        {"threshold": event.threshold},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert found.status_code == 200, found.content
    (item,) = [i for i in found.json()["items"] if i["id"] == event.pk]
    return item


def test_a_response_weeks_after_the_threshold_is_late_everywhere_though_detected_yesterday(
    leader_client, school, students, officer
):
    # Tama reached 10 days absent on Friday 23 October; Stepwise evaluated the register only
    # yesterday, and the school answered today, four weeks after the threshold.
    event = ThresholdEvent.objects.get(student=students["Tama"], threshold="amp10")
    assert event.reached_on == date(2026, 10, 23)
    ThresholdEvent.objects.filter(pk=event.pk).update(detected_at=at(TODAY - timedelta(days=1)))
    (queued,) = [i for i in threshold_queue(school, event.term, TODAY) if i.event_pk == event.pk]
    assert (queued.due_by, queued.status) == (date(2026, 10, 25), "critical")

    record(school, officer, event, TODAY)

    # The dashboard: answered, but late.
    assert coverage_row(school, event) == (1, 0, 1, 0, 0)
    # The student page says so beside the threshold.
    page = leader_client.get(f"/schools/{school.code}/students/{students['Tama'].national_id}/")
    assert (
        "Reached on Friday 23 October 2026, due by Sunday 25 October 2026: Answered late"
        in text(page)
    )
    # The Ministry export and the API carry the same due day and the same answer.
    (row,) = [r for r in exported(leader_client, school, "110000005") if r["threshold"] == "amp10"]
    assert (row["due_by"], row["answered_in_time"]) == ("2026-10-25", "no")
    item = api_event(school, event)
    assert (item["due_by"], item["timeliness"]) == ("2026-10-25", "late")


def test_a_response_by_the_due_day_is_in_time_everywhere(leader_client, school, students, officer):
    # Aroha reached 5 days absent on Monday 16 November: due by the end of Wednesday 18th.
    event = ThresholdEvent.objects.get(student=students["Aroha"], threshold="amp5")
    assert event.reached_on == date(2026, 11, 16)
    record(school, officer, event, date(2026, 11, 18))

    assert coverage_row(school, event)[1] >= 1
    page = leader_client.get(f"/schools/{school.code}/students/{students['Aroha'].national_id}/")
    assert (
        "Reached on Monday 16 November 2026, due by Wednesday 18 November 2026: Answered in time"
        in text(page)
    )
    (row,) = exported(leader_client, school, "110000001")
    assert (row["due_by"], row["answered_in_time"]) == ("2026-11-18", "yes")
    item = api_event(school, event)
    assert (item["due_by"], item["timeliness"]) == ("2026-11-18", "on_time")


@pytest.mark.parametrize(
    ("recorded_on", "expected"),
    [(date(2026, 11, 8), "on_time"), (date(2026, 11, 9), "late")],
)
def test_englands_48_hours_from_a_friday_end_on_sunday_on_every_page(
    client, kent_school, kent_leader, recorded_on, expected
):
    # Daisy reached the penalty-notice threshold on Friday 6 November: due by Sunday 8th.
    event = ThresholdEvent.objects.get(
        term__school=kent_school, student__given_name="Daisy", threshold="penalty_notice"
    )
    assert event.reached_on == date(2026, 11, 6)
    record(kent_school, kent_leader, event, recorded_on, LONDON)

    on_time, late = (1, 0) if expected == "on_time" else (0, 1)
    assert coverage_row(kent_school, event)[1:3] == (on_time, late)
    item = api_event(kent_school, event)
    assert (item["due_by"], item["timeliness"]) == ("2026-11-08", expected)


def test_a_kent_answer_on_the_due_afternoon_is_in_time_though_auckland_is_a_day_ahead(
    client, kent_school, kent_leader
):
    # Recorded at 2 pm in Kent on Sunday 8 November, the due day: 3 am on Monday 9th in
    # Auckland, the installation's zone. The school's own day decides.
    event = ThresholdEvent.objects.get(
        term__school=kent_school, student__given_name="Daisy", threshold="penalty_notice"
    )
    record(kent_school, kent_leader, event, date(2026, 11, 8), LONDON, hour=14)

    assert coverage_row(kent_school, event)[1:3] == (1, 0)
    item = api_event(kent_school, event)
    assert (item["due_by"], item["timeliness"]) == ("2026-11-08", "on_time")
