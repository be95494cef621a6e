"""A subject access request: everything the school holds about one student, as a checked zip."""

import csv
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.audit.models import AuditEvent
from stepwise.letters.models import LetterSender
from stepwise.letters.schools.services import school_letter_issue
from stepwise.letters.sending import Figures
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.roster import import_roster
from stepwise.responses.services import response_record
from tests.conftest import ROSTER_HEADER, csv_bytes

from .conftest import CAREGIVER_HEADER, NOW

URL = "/schools/NZ-1/students/100000001/subject-access/"
NOTE = "SAR-PRIVATE-NOTE-3c9d: the family told us something private."
FILES = [
    "README.txt",
    "student.csv",
    "enrolments.csv",
    "caregivers.csv",
    "register/2026T4.csv",
    "amendments.csv",
    "threshold_events.csv",
    "response_activities.csv",
    "referrals.csv",
    "letters.csv",
    "audit.csv",
]


@pytest.fixture
def record(school, aroha, referral, officer):
    """Aroha's record: the referral (with its automatic response) and one response with a note."""
    event = aroha.threshold_events.get(threshold="amp5")
    response_record(
        school=school,
        student=aroha,
        threshold_event=event,
        response_type="conversation",
        happened_on=NOW.date(),
        done_by="Hana Smith",
        notes=NOTE,
        recorded_by=officer,
        now=NOW,
    )
    referral.decision_note = "The service's own reasons."
    referral.save()
    return aroha


def read_zip(data: bytes) -> tuple[list[str], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        return names, {name: archive.read(name) for name in names}


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def download(client) -> tuple[list[str], dict[str, bytes]]:
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="subject-access-NZ-1-100000001-\d{4}-\d{2}-\d{2}\.zip"',
        response["Content-Disposition"],
    )
    return read_zip(b"".join(response.streaming_content))


def test_an_admin_downloads_everything_held_with_a_checked_manifest(as_user, admin, record):
    names, files = download(as_user(admin))
    assert names == FILES
    readme = files["README.txt"].decode()
    # Every other file is listed with its row count and the SHA-256 of its bytes.
    for name in FILES[1:]:
        digest = hashlib.sha256(files[name]).hexdigest()
        line = next(x for x in readme.splitlines() if x.strip().startswith(name + " "))
        assert f"{len(rows(files[name])) - 1} rows  sha256 {digest}" in line
    assert "Student:   Aroha Ngata, student id 100000001" in readme
    assert "PRIVATE NOTES WITHHELD: 3" in readme
    assert "- 2 private note(s) on response activities" in readme
    assert "- 1 decision note(s) written by an attendance service" in readme
    assert "data protection officer" in readme

    assert rows(files["student.csv"]) == [
        ["student_id", "given_name", "family_name", "birth_date"],
        ["100000001", "Aroha", "Ngata", "2011-03-04"],
    ]
    assert rows(files["enrolments.csv"])[1] == [
        "NZ-1",
        "Kauri Test College",
        "10",
        "2026-01-28",
        "",
    ]
    caregivers = rows(files["caregivers.csv"])
    assert [r[:6] for r in caregivers[1:]] == [
        ["CG-1", "Hine", "Ngata", "mother", "yes", "yes"],
        ["CG-2", "Rawiri", "Ngata", "father", "no", "yes"],
    ]
    assert caregivers[1][6:] == ["hine@example.org", "021 000 0001", "1 Example Street, Town", "mi"]

    register = rows(files["register/2026T4.csv"])
    assert register[0] == [
        "term",
        "date",
        "session",
        "code",
        "meaning",
        "half_day",
        "truancy_class",
    ]
    assert len(register) == 1 + 10  # one week, two sessions a day; no row for a day without marks
    assert register[1][:4] + register[1][5:] == [
        "2026T4", "2026-10-12", "AM", "T", "absent", "unjustified"
    ]  # fmt: skip
    assert register[10][:4] == ["2026T4", "2026-10-16", "PM", "J"]
    assert [r[1:5] for r in rows(files["amendments.csv"])[1:]] == [["2026-10-16", "PM", "T", "J"]]
    assert rows(files["amendments.csv"])[1][6] == "fix.csv"
    events = rows(files["threshold_events.csv"])
    assert [r[1:5] for r in events[1:]] == [["amp5", events[1][2], "2026-10-16", "active"]]

    responses = rows(files["response_activities.csv"])
    assert responses[0][-1] == "private_notes"
    assert sorted(r[2] for r in responses[1:]) == ["conversation", "external_referral"]
    assert [r[-1] for r in responses[1:]] == ["withheld", "withheld"]
    referrals = rows(files["referrals.csv"])
    assert referrals[1][2:7] == [
        "Kauri Attendance Service",
        "chronic_absence",
        "Aroha missed a whole week; the family has not answered two letters.",
        "officer",
        "submitted",
    ]
    assert referrals[1][-1] == "withheld"

    everything = b"".join(files.values()).decode()
    assert "SAR-PRIVATE-NOTE-3c9d" not in everything
    assert "The service's own reasons" not in everything
    assert "Referred to Kauri Attendance Service (referral" not in everything  # the auto note


def test_the_download_and_the_page_are_audited(as_user, admin, record):
    client = as_user(admin)
    assert client.get(URL).status_code == 200
    download(client)
    entries = AuditEvent.objects.filter(object_type="student", object_id=str(record.pk), user=admin)
    assert sorted(entries.values_list("action", flat=True)) == ["export", "view"]
    export = entries.get(action="export")
    assert export.organisation.school.code == "NZ-1"
    assert export.detail == "NZ-1 subject access request: 10 files, 3 private notes withheld"


def test_the_zip_lists_the_schools_own_audit_entries_without_addresses(as_user, admin, record):
    client = as_user(admin)
    client.get("/schools/NZ-1/students/100000001/?term=2026T4")  # a view of her record
    _, files = download(client)
    audit = rows(files["audit.csv"])
    assert audit[0] == ["at", "user", "action", "object_type", "object_id", "detail"]
    assert ["admin", "view", "student", str(record.pk), "NZ-1 2026T4"] in [r[1:] for r in audit]
    assert "127.0.0.1" not in files["audit.csv"].decode()


def test_the_zip_lists_the_lists_that_showed_her_without_the_other_children(as_user, admin, record):
    client = as_user(admin)
    client.get("/schools/NZ-1/terms/2026T4/")  # the standings: Aroha and her classmates
    client.get("/schools/NZ-1/terms/2026T4/?q=Ben")  # a list without her
    _, files = download(client)
    listed = [r[1:] for r in rows(files["audit.csv"]) if r[2] == "list"]
    assert listed == [["admin", "list", "standings", "NZ-1", "2026T4"]]
    others = AuditEvent.objects.get(action="list", detail__endswith="q=Ben").listed
    assert others and others not in files["audit.csv"].decode()


def test_another_schools_records_of_the_student_stay_out(as_user, admin, record, other_school):
    # Aroha was also enrolled at Tōtara School, which holds its own caregiver for her.
    import_roster(
        csv_bytes(ROSTER_HEADER, "NZ-9,100000001,Aroha,Ngata,2011-03-04,9,2025-01-28,2025-12-12"),
        file_name="nz-9-more.csv",
    )
    import_caregivers(
        csv_bytes(CAREGIVER_HEADER, "NZ-9,100000001,T-1,Mere,Tui,aunt,yes,no,,,,"),
        file_name="nz-9-caregivers.csv",
    )
    _, files = download(as_user(admin))
    assert [r[0] for r in rows(files["enrolments.csv"])[1:]] == ["NZ-1"]
    assert "Tui" not in files["caregivers.csv"].decode()


def test_the_page_lists_the_files_and_the_withheld_notes(as_user, org_admin, record):
    html = as_user(org_admin).get(URL).content.decode()
    assert "Subject access request: Aroha Ngata" in html
    assert "<code>register/2026T4.csv</code>" in html
    assert "3 private notes about Aroha are not in the zip." in " ".join(html.split())
    assert "Download the subject access zip" in html
    assert "SAR-PRIVATE-NOTE" not in html
    assert "<script>" not in html and "style=" not in html


def test_the_student_page_links_to_it_for_admins_only(as_user, admin, officer, school):
    student_page = "/schools/NZ-1/students/100000001/?term=2026T4"
    assert URL.encode() in as_user(admin).get(student_page).content
    assert URL.encode() not in as_user(officer).get(student_page).content


@pytest.mark.parametrize("who", ["officer", "leader"])
def test_the_schools_other_staff_are_refused(as_user, request, school, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    # The same answer whether or not the student exists: nothing leaks.
    assert client.get("/schools/NZ-1/students/999999999/subject-access/").status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_outsiders_get_404(as_user, outsider, school):
    client = as_user(outsider)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404
    # Their own school's student, through another school's address: 404 too.
    assert client.get("/schools/NZ-1/students/200000001/subject-access/").status_code == 404


def test_an_admin_gets_404_for_a_student_not_at_their_school(as_user, admin, other_school):
    client = as_user(admin)
    assert client.get("/schools/NZ-1/students/200000001/subject-access/").status_code == 404
    assert client.get("/schools/NZ-9/students/200000001/subject-access/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, school):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


# --- The command --------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("subject-access", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_writes_the_same_zip_and_audits_it(record, tmp_path):
    path = tmp_path / "aroha.zip"
    out = run("--school", "NZ-1", "--student", "100000001", "--output", str(path))
    assert out == (
        f"Wrote {path}: 10 files about student 100000001 at NZ-1; "
        "3 private notes withheld (see README.txt).\n"
    )
    names, files = read_zip(path.read_bytes())
    assert names == FILES
    assert "by the stepwise command" in files["README.txt"].decode()
    assert b"SAR-PRIVATE-NOTE" not in b"".join(files.values())
    (event,) = AuditEvent.objects.filter(action="export")
    assert (event.user, event.object_type, event.object_id) == (None, "student", str(record.pk))
    assert event.organisation.school.code == "NZ-1"
    assert not list(tmp_path.glob("*.partial"))


def test_the_command_names_the_file_itself(record, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = run("--school", "NZ-1", "--student", "100000001")
    (written,) = tmp_path.glob("*.zip")
    assert re.fullmatch(r"subject-access-NZ-1-100000001-\d{4}-\d{2}-\d{2}\.zip", written.name)
    assert written.name in out


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--school", "NOPE", "--student", "100000001"], "no school with id 'NOPE'"),
        (["--school", "NZ-1", "--student", "200000001"], "NZ-1 has no student with id"),
    ],
)
def test_the_command_refuses_an_unknown_school_or_student(
    other_school, school, tmp_path, args, error
):
    with pytest.raises(CommandError, match=error):
        run(*args, "--output", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
    assert not AuditEvent.objects.exists()


def test_the_command_refuses_an_output_it_cannot_write(school, tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        run("--school", "NZ-1", "--student", "100000001",
            "--output", str(tmp_path / "missing" / "x.zip"))  # fmt: skip
    assert not AuditEvent.objects.exists()


def test_the_command_explains_itself():
    out = subprocess.run(
        [sys.executable, "-m", "stepwise.cli", "subject-access", "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    text = " ".join(out.stdout.split())
    assert "--school SCHOOL" in text and "--student ID" in text and "--output FILE.zip" in text
    assert "Private notes are never included" in text


def test_the_schools_letters_come_as_sent_with_their_hashes(
    as_user, admin, officer, school, record
):
    LetterSender.objects.create(organisation=school.organisation, phone="07 555 0427")
    letters = school_letter_issue(
        school=school, student=record, letter_key="school_notification",
        by=officer, sent_on=NOW.date(), method="hand", reason="SAR-LETTER-REASON-77",
        figures=Figures(days_missed=Decimal(5), days_possible=Decimal(5)), now=NOW,
    )  # fmt: skip
    names, files = download(as_user(admin))
    table = rows(files["letters.csv"])
    assert table[0][:3] == ["letter_id", "sent_on", "letter"]
    assert sorted(r[5] for r in table[1:]) == ["Hine Ngata", "Rawiri Ngata"]
    for row, letter in zip(table[1:], sorted(letters, key=lambda x: x.pk), strict=True):
        assert row[0] == str(letter.pk) and row[9] == "withheld"  # the reason is a private note
        # Each file is in the zip as sent: its hash is the one recorded when it was sent.
        assert row[-2] == f"letters/{letter.pk}-school_notification.pdf" and row[-2] in names
        assert hashlib.sha256(files[row[-2]]).hexdigest() == row[-1] == letter.sha256
    assert "SAR-LETTER-REASON-77" not in b"".join(files.values()).decode("latin-1")
