"""Issuing a certificate locks its days: later changes are recorded, never refused."""

from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stepwise.cases.models import LogEntry
from stepwise.certificates.models import PostCertificateChange
from stepwise.certificates.selectors import certificates_for_student
from stepwise.certificates.services import certificate_issue
from stepwise.intake.services import register_take
from stepwise.register.csvfile import ImportRejected
from stepwise.register.models import RegisterTerm
from tests.cases.conftest import at
from tests.front.conftest import TODAY

from .conftest import register_file

# Aroha's 2 November 2026 is a T day (Term 4's school days take M, M, M, T, T in turn).
CHANGE = [("100000001", "2026-11-02", "AM", "J")]


@pytest.fixture
def certificate(school, aroha, officer_with_email, case, now):
    """Aroha's certificate for this school year to date, issued while her case is open."""
    return certificate_issue(
        school=school,
        student=aroha,
        period="this_year",
        by=officer_with_email,
        issued_for=school.organisation,
        now=now,
    )


def reimport(rows, name="correction.csv"):
    return register_take(register_file("NZ-0427", rows), file_name=name)


def test_an_amendment_after_issue_is_recorded_told_to_the_case_and_emailed(
    certificate, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = reimport(CHANGE)
    assert result.changed == 1  # the register stays truthful: nothing is refused
    (change,) = PostCertificateChange.objects.all()
    assert (change.certificate, str(change.date), change.session) == (
        certificate,
        "2026-11-02",
        "AM",
    )
    assert (change.old_code, change.new_code, change.import_run) == ("T", "J", result.run)
    assert certificates_for_student(certificate.student).get().changed_since_issue
    entry = LogEntry.objects.get(case=case, kind="note", recorded_by=None)
    assert "Mon 2 November 2026 AM: T → J" in entry.notes
    assert "correction.csv" in entry.notes
    (email,) = mail.outbox
    assert email.to == ["officer@kowhai.example.org"]
    assert "Aroha Ngata" in email.subject
    assert "Mon 2 November 2026 AM: T → J" in email.body


def test_importing_the_same_file_again_records_nothing_new(
    certificate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reimport(CHANGE)
        again = reimport(CHANGE)
    assert again.changed == 0
    assert PostCertificateChange.objects.count() == 1
    assert LogEntry.objects.filter(kind="note", recorded_by=None).count() == 1
    assert len(mail.outbox) == 1


def test_filling_an_empty_session_is_a_change_too(certificate):
    # Term 1 had no marks: the certificate printed them as missing.
    reimport([("100000001", "2026-03-03", "PM", "P")])
    change = PostCertificateChange.objects.get()
    assert (change.old_code, change.new_code) == ("", "P")


def test_changes_outside_the_locked_days_or_to_other_students_are_not_recorded(
    school, aroha, officer
):
    issued_on_friday = certificate_issue(
        school=school,
        student=aroha,
        period="this_year",
        by=officer,
        issued_for=school.organisation,
        now=at(TODAY, 15),
    )
    reimport(
        [
            ("100000002", "2026-11-02", "AM", "J"),  # Ben: no certificate
            ("100000001", "2026-11-23", "AM", "P"),  # after the certificate's last day
        ]
    )
    assert not PostCertificateChange.objects.exists()
    assert not issued_on_friday.changed_since_issue


def test_a_closed_case_is_not_told(certificate, case):
    from stepwise.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    reimport(CHANGE)
    assert PostCertificateChange.objects.count() == 1
    assert not LogEntry.objects.filter(case=case, kind="note", recorded_by=None).exists()


def test_a_rejected_file_changes_nothing(certificate):
    with pytest.raises(ImportRejected):
        reimport([*CHANGE, ("100000001", "2026-11-03", "AM", "ZZ")])
    assert not PostCertificateChange.objects.exists()
    assert not LogEntry.objects.filter(kind="note", recorded_by=None).exists()


def test_a_failure_while_recording_the_change_undoes_the_whole_import(certificate, aroha):
    before = bytes(RegisterTerm.objects.get(student=aroha, term__number=4).marks)
    with (
        mock.patch("stepwise.certificates.locks.log_entry_record", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        reimport(CHANGE)
    assert bytes(RegisterTerm.objects.get(student=aroha, term__number=4).marks) == before
    assert not PostCertificateChange.objects.exists()


def test_the_locks_are_checked_with_one_query_per_import(certificate, school):
    rows = [
        (nid, f"2026-11-{day:02d}", session, "J")
        for nid in ("100000001", "100000002", "100000003")
        for day in (2, 3, 4)
        for session in ("AM", "PM")
    ]
    with CaptureQueriesContext(connection) as queries:
        reimport(rows)
    lock_queries = [q for q in queries if "certificates_registrationcertificate" in q["sql"]]
    assert len(lock_queries) == 1
    assert PostCertificateChange.objects.count() == 6  # Aroha's only


def test_an_api_push_goes_through_the_same_lock(certificate, school, client):
    from stepwise.api.services import token_create

    _, secret = token_create(organisation=school.organisation, name="SMS", created_by=None)
    response = client.post(
        "/api/v1/schools/NZ-0427/marks",
        {"rows": [{"student_id": "100000001", "date": "2026-11-02", "session": "AM", "code": "J"}]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.content
    change = PostCertificateChange.objects.get()
    assert change.import_run.file_name.startswith("api-register-NZ-0427")


def test_an_issued_certificate_and_its_changes_are_never_changed_or_deleted(certificate):
    from stepwise.cases.models import AppendOnlyError

    reimport(CHANGE)
    with pytest.raises(AppendOnlyError):
        certificate.save()
    with pytest.raises(AppendOnlyError):
        certificate.delete()
    change = PostCertificateChange.objects.get()
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
