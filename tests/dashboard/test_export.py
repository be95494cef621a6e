"""The Ministry export: exactly the expected rows for a known small register, never a note."""

import csv
import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from stepwise.accounts.models import Membership
from stepwise.audit.models import AuditEvent
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.responses.models import ResponseActivity
from stepwise.schools.models import School, Student
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.services import school_evaluate

from .conftest import (
    NZ_CLOSED,
    REGISTER_HEADER,
    ROSTER_HEADER,
    TODAY,
    add_school,
    csv_bytes,
    d,
    school_days,
)

URL = "/schools/NZ-2100/dashboard/ministry-export/"
MARKER = "PRIVATE-NOTE-MARKER-7f3a9c"
AUCKLAND = ZoneInfo("Pacific/Auckland")

# Kahikatea School's register, 12-27 October 2026 (Monday 26 October is Labour Day):
# Hana misses the week of 19 October (T) and has no afternoon mark yet on the 27th; Ari
# joined on 27 October; Rua left on 22 October.
EXPECTED_ATTENDANCE = [
    ["school_id", "student_id", "date", "session", "code", "half_day", "truancy_class"],
    ["NZ-2100", "110010001", "2026-10-23", "AM", "T", "absent", "unjustified"],
    ["NZ-2100", "110010001", "2026-10-23", "PM", "T", "absent", "unjustified"],
    ["NZ-2100", "110010001", "2026-10-27", "AM", "P", "present", "present"],
    ["NZ-2100", "110010001", "2026-10-27", "PM", "", "", ""],
    ["NZ-2100", "110010002", "2026-10-27", "AM", "P", "present", "present"],
    ["NZ-2100", "110010002", "2026-10-27", "PM", "D", "present", "justified"],
]
EXPECTED_RESPONSES = [
    [
        "school_id",
        "student_id",
        "threshold",
        "threshold_label",
        "threshold_reached_on",
        "response_type",
        "response_type_label",
        "description",
        "happened_on",
        "recorded_on",
        "due_by",
        "answered_in_time",
    ],
    # Recorded against Hana without naming a threshold, two days after it happened: no due day.
    ["NZ-2100", "110010001", "", "", "", "monitor", "Monitor current approach", "",
     "2026-10-23", "2026-10-29", "", ""],
    # At her 5-day threshold, reached on Friday 23 October and so due by Sunday 25 October;
    # recorded at 10 am New Zealand time (21:00 UTC the day before) on Tuesday 27th: late.
    ["NZ-2100", "110010001", "amp5", "5 days absent this term", "2026-10-23",
     "written_communication", "Sent written communication", "Sent notification to whānau",
     "2026-10-27", "2026-10-27", "2026-10-25", "no"],
]  # fmt: skip


@pytest.fixture
def small_school(db, leader) -> School:
    school = add_school("NZ-2100", "Kahikatea School", "nz")
    # Rimu College's leader leads this school too.
    Membership.objects.create(
        user=leader, organisation=school.organisation, role=Membership.Role.SCHOOL_LEADER
    )
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            [
                "NZ-2100,110010001,Hana,Moana,2012-01-01,8,2026-02-02,",
                "NZ-2100,110010002,Ari,Tau,2012-01-01,8,2026-10-27,",
                "NZ-2100,110010003,Rua,Hemi,2012-01-01,8,2026-02-02,2026-10-22",
            ],
        ),
        file_name="NZ-2100-roster.csv",
    )
    rows = []
    for day in school_days(d("2026-10-12"), d("2026-10-23"), NZ_CLOSED):
        code = "T" if day >= d("2026-10-19") else "P"
        rows += [f"NZ-2100,110010001,{day},{s},{code}" for s in ("AM", "PM")]
        if day <= d("2026-10-22"):
            rows += [f"NZ-2100,110010003,{day},{s},P" for s in ("AM", "PM")]
    rows += [
        "NZ-2100,110010001,2026-10-27,AM,P",
        "NZ-2100,110010002,2026-10-27,AM,P",
        "NZ-2100,110010002,2026-10-27,PM,D",
    ]
    import_register(csv_bytes(REGISTER_HEADER, rows), file_name="NZ-2100-register.csv")
    school_evaluate(school=school, as_of=TODAY)

    hana = Student.objects.get(national_id="110010001")
    event = ThresholdEvent.objects.get(student=hana, threshold="amp5")
    assert event.reached_on == d("2026-10-23")

    def respond(kind, text, happened_on, recorded_at, threshold_event=None):
        ResponseActivity.objects.create(
            school=school,
            student=hana,
            threshold_event=threshold_event,
            response_type=kind,
            description_text=text,
            happened_on=d(happened_on),
            done_by="Whaea Secret-Doer",
            notes=f"{MARKER}: the family told us something private.",
            recorded_by=leader,
            recorded_at=recorded_at,
        )

    respond(
        "written_communication",
        "Sent notification to whānau",
        "2026-10-27",
        datetime(2026, 10, 27, 10, 0, tzinfo=AUCKLAND),
        event,
    )
    respond("monitor", "", "2026-10-23", datetime(2026, 10, 29, 9, 0, tzinfo=AUCKLAND))
    respond(
        "conversation",
        "Held whānau hui",
        "2026-10-12",
        datetime(2026, 10, 12, 15, 0, tzinfo=AUCKLAND),
    )
    return school


def read_zip(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
        }


def test_a_known_register_gives_exactly_the_expected_rows(leader_client, small_school):
    response = leader_client.get(URL, {"from": "2026-10-23", "to": "2026-10-27"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="ministry-export-NZ-2100-2026-10-23-to-2026-10-27.zip"'
    )
    files = read_zip(b"".join(response.streaming_content))
    assert list(files) == ["attendance.csv", "responses.csv"]
    assert files["attendance.csv"] == EXPECTED_ATTENDANCE
    assert files["responses.csv"] == EXPECTED_RESPONSES


def test_private_notes_are_never_exported(leader_client, small_school):
    assert ResponseActivity.objects.filter(notes__contains=MARKER).count() == 3
    response = leader_client.get(URL, {"from": "2026-10-01", "to": "2026-11-20"})
    data = b"".join(response.streaming_content)
    assert MARKER.encode() not in data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            assert MARKER not in text
            assert "something private" not in text
            assert "Secret-Doer" not in text  # who did it is the school's business too
    assert len(read_zip(data)["responses.csv"]) == 4  # the header and all three activities


def test_each_download_is_audited(leader_client, leader, small_school):
    leader_client.get(URL, {"from": "2026-10-23", "to": "2026-10-27"})
    (event,) = AuditEvent.objects.filter(object_type="ministry_export")
    assert (event.user, event.organisation, event.action, event.object_id) == (
        leader,
        small_school.organisation,
        "download",
        "NZ-2100",
    )
    assert event.detail == "2026-10-23 to 2026-10-27: 6 attendance rows, 2 response activities"


def test_the_dashboard_offers_the_download(leader_client, small_school):
    html = leader_client.get("/schools/NZ-2100/dashboard/").content.decode()
    assert f'action="{URL}"' in html
    assert 'name="from" type="text" value="2026-10-12"' in html
    assert 'name="to" type="text" value="2026-11-20"' in html


def test_without_a_period_it_shows_the_form(leader_client, small_school):
    response = leader_client.get(URL)
    assert response.status_code == 200
    assert "Download the export" in response.content.decode()
    assert not AuditEvent.objects.exists()


# (from, to, the message shown)
BAD_PERIODS = [
    ("", "2026-10-27", "Enter the first day of the period"),
    ("2026-10-23", "", "Enter the last day of the period"),
    ("2026-13-01", "2026-10-27", "The first day must be a real date written as YYYY-MM-DD"),
    ("23/10/2026", "2026-10-27", "The first day must be a real date written as YYYY-MM-DD"),
    ("2026-10-23", "2026-02-30", "The last day must be a real date written as YYYY-MM-DD"),
    ("2026-10-27", "2026-10-23", "The last day must be the same as or after the first day"),
    ("2025-01-01", "2026-11-20", "The period can be at most 366 days long"),
    ("2026-12-01", "2026-12-18", "The first day must be today or in the past"),
]


@pytest.mark.parametrize(("first", "last", "message"), BAD_PERIODS)
def test_a_bad_period_is_refused_with_a_clear_error(
    leader_client, small_school, first, last, message
):
    response = leader_client.get(URL, {"from": first, "to": last})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert not AuditEvent.objects.exists()
