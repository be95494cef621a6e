"""The morning import in the browser: a school's officer uploads a roster, caregivers or
register file; the background worker imports it all or nothing; the page lists every
problem with its line and column (and as a download), or what changed.

Run through the real task backend: the upload queues a task in the database and the
test runs the worker (`db_worker --batch`) until the queue is empty.
"""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from stepwise.accounts.models import Membership
from stepwise.onboarding.intake import CHUNK, school_rows_check
from stepwise.onboarding.models import ImportUpload
from stepwise.onboarding.organisations import school_setup
from stepwise.register.models import ImportRun, RegisterTerm
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, csv_bytes, sign_in

# The worker runs its tasks in transactions of its own, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

R = Membership.Role
TODAY = date(2026, 11, 24)  # the suite's clock: a Tuesday in Term 4


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )


def school_days(first: date, last: date) -> list[date]:
    days = []
    while first <= last:
        if first.weekday() < 5 and first != date(2026, 10, 26):  # Labour Day
            days.append(first)
        first += timedelta(days=1)
    return days


@pytest.fixture
def officer(nz_school):
    user = get_user_model().objects.create_user("tui@kauri.example", first_name="Tui")
    Membership.objects.create(
        user=user, organisation=nz_school.organisation, role=R.ATTENDANCE_OFFICER
    )
    return user


def upload(client, code: str, kind: str, name: str, data: bytes):
    return client.post(
        f"/schools/{code}/imports/",
        {"kind": kind, "upload": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


ROSTER = csv_bytes(
    ROSTER_HEADER,
    "NZ-1,100000001,Aroha,Ngata,2011-03-04,10,2026-01-28,",
    "NZ-1,100000002,Ben,Lee,2011-05-04,10,2026-01-28,",
)


def register(*rows: str) -> bytes:
    return csv_bytes(REGISTER_HEADER, *rows)


def test_an_officer_fixes_a_bad_row_and_sees_what_changed(client, officer, nz_school):
    sign_in(client, officer)
    started = upload(client, "NZ-1", "roster", "roster.csv", ROSTER)
    first = ImportUpload.objects.get()
    assert started["Location"] == f"/schools/NZ-1/imports/{first.pk}/"
    assert "Waiting to start" in client.get(started["Location"]).content.decode()
    run_worker()
    assert ImportUpload.objects.get(pk=first.pk).status == "imported"

    days = school_days(date(2026, 10, 12), TODAY)
    rows = [f"NZ-1,100000001,{d},{s},T" for d in days for s in ("AM", "PM")]
    bad = register(*rows, "NZ-1,100000002,2026-11-23,AM,Q")
    upload(client, "NZ-1", "register", "register.csv", bad)
    run_worker()
    refused = ImportUpload.objects.latest("pk")
    page = client.get(f"/schools/NZ-1/imports/{refused.pk}/").content.decode()
    assert "register.csv was not imported: nothing was changed" in page
    line = len(rows) + 2
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{line}</td>' in page
    assert '<td class="govuk-table__cell">code</td>' in page
    assert not RegisterTerm.objects.exists()
    downloaded = client.get(f"/schools/NZ-1/imports/{refused.pk}/problems.csv")
    (problem,) = list(csv.reader(io.StringIO(downloaded.content.decode("utf-8-sig"))))[1:]
    assert problem[:2] == [str(line), "code"]

    upload(client, "NZ-1", "register", "register.csv", register(*rows))
    run_worker()
    done = ImportUpload.objects.latest("pk")
    summary = client.get(f"/schools/NZ-1/imports/{done.pk}/").content.decode()
    assert "Imported" in summary
    assert done.changes == {"new marks": len(rows), "amended marks": 0,
                            "thresholds newly reached": 3}  # fmt: skip
    assert "Thresholds newly reached" in summary and "Go to the threshold queue" in summary

    history = client.get("/schools/NZ-1/imports/").content.decode()
    outcomes = list(ImportRun.objects.filter(schools=nz_school).values_list("outcome", flat=True))
    assert outcomes == ["imported", "rejected", "imported"]  # newest first
    assert history.count("register.csv") == 2 and "roster.csv" in history
    assert done.import_run.sha256[:12] in history and "Tui" in history
    assert "Aroha" in client.get("/schools/NZ-1/queue/").content.decode()


def test_a_row_of_another_school_is_refused_on_this_schools_page(client, officer, nz_school):
    school_setup(code="NZ-2", name="Other School", pack="nz", today=TODAY)
    sign_in(client, officer)
    data = csv_bytes(ROSTER_HEADER, "NZ-2,200000001,Someone,Else,2011-03-04,10,2026-01-28,")
    upload(client, "NZ-1", "roster", "roster.csv", data)
    run_worker()
    found = ImportUpload.objects.get()
    assert found.status == "rejected"
    assert found.problems == [
        [2, "school_id", "'NZ-2' is not NZ-1: this page imports Kauri Test College's rows only"]
    ]
    assert not get_user_model().objects.filter(username="Someone").exists()


def test_a_school_leader_reads_the_history_but_does_not_upload(client, nz_school):
    leader = get_user_model().objects.create_user("leader")
    Membership.objects.create(
        user=leader, organisation=nz_school.organisation, role=R.SCHOOL_LEADER
    )
    sign_in(client, leader)
    page = client.get("/schools/NZ-1/imports/").content.decode()
    assert "History" in page and "Upload a file" not in page
    assert upload(client, "NZ-1", "roster", "roster.csv", ROSTER).status_code == 403
    assert not ImportUpload.objects.exists()


def test_a_file_that_is_not_csv_is_refused_before_anything_is_kept(client, officer):
    sign_in(client, officer)
    refused = upload(client, "NZ-1", "roster", "roster.xlsx", b"PK\x03\x04 not a csv")
    assert refused.status_code == 400
    assert "roster.xlsx is not a CSV file" in refused.content.decode()
    assert not ImportUpload.objects.exists()


def test_checking_a_big_file_reports_progress_as_it_goes(nz_school):
    rows = ["NZ-1,100000001,2026-11-23,AM,P" for _ in range(3 * CHUNK)]
    heard: list[int] = []
    school_rows_check(school=nz_school, data=register(*rows), file_name="big.csv",
                      progress=heard.append)  # fmt: skip
    assert heard == [CHUNK + 1, 2 * CHUNK + 1, 3 * CHUNK + 1, 3 * CHUNK + 1]


def test_a_register_of_50000_marks_is_queued_not_imported_in_the_request(
    client, officer, nz_school
):
    students = [f"3{i:08d}" for i in range(1000)]
    roster = csv_bytes(
        ROSTER_HEADER, *(f"NZ-1,{s},Given,Family,2011-03-04,9,2026-01-28," for s in students)
    )
    sign_in(client, officer)
    upload(client, "NZ-1", "roster", "roster.csv", roster)
    run_worker()
    days = school_days(date(2026, 10, 12), TODAY)[-25:]
    marks = [f"NZ-1,{s},{d},{p},P" for s in students for d in days for p in ("AM", "PM")]
    assert len(marks) == 50_000
    queued = upload(client, "NZ-1", "register", "big.csv", register(*marks))
    assert queued.status_code == 302
    # The request only kept the file: the worker imports it, while pages go on answering.
    waiting = ImportUpload.objects.latest("pk")
    assert waiting.status == "queued" and waiting.lines == 50_001
    assert not RegisterTerm.objects.exists()
    assert client.get("/schools/NZ-1/queue/").status_code == 200
    run_worker()
    done = ImportUpload.objects.get(pk=waiting.pk)
    assert done.status == "imported" and done.lines_checked == 50_001
    assert done.changes["new marks"] == 50_000
    assert done.content == b""  # the file is not kept once imported
