"""Issuing and downloading certificates from a student's page and from a case."""

import hashlib

import pytest

from stepwise.audit.models import AuditEvent
from stepwise.certificates.models import RegistrationCertificate
from stepwise.register.importers.register import import_register

from .conftest import register_file

STUDENT_URL = "/schools/NZ-0427/students/100000001/certificates/"


def case_url(case) -> str:
    return f"/cases/{case.pk}/certificates/"


@pytest.fixture
def unresolved(school):
    """Mark Aroha's first two sessions of Term 4 '?' (reason not yet known)."""
    import_register(
        register_file(
            "NZ-0427",
            [("100000001", "2026-10-12", "AM", "?"), ("100000001", "2026-10-12", "PM", "?")],
        ),
        file_name="unknown.csv",
    )


def test_an_officer_issues_a_certificate_from_the_students_page(client, login, officer, aroha):
    login(officer)
    page = client.get(STUDENT_URL)
    assert page.status_code == 200
    assert b"From the start of this school year to date" in page.content
    response = client.post(STUDENT_URL, {"period": "this_year"})
    assert response.status_code == 302
    kept = RegistrationCertificate.objects.get(student=aroha)
    assert (kept.first_day.isoformat(), kept.issued_by, kept.period) == (
        "2026-02-02",
        officer,
        "this_year",
    )
    assert kept.sha256 == hashlib.sha256(bytes(kept.pdf)).hexdigest()
    assert kept.size == len(bytes(kept.pdf))
    listed = client.get(STUDENT_URL)
    assert b"Matches the register" in listed.content


def test_the_students_page_links_to_the_certificates(client, login, officer):
    login(officer)
    page = client.get("/schools/NZ-0427/students/100000001/")
    assert STUDENT_URL.encode() in page.content


def test_a_school_leader_may_issue_but_a_school_admin_may_not(
    client, login, leader, school_admin, aroha
):
    login(leader)
    assert client.post(STUDENT_URL, {"period": "this_year"}).status_code == 302
    login(school_admin)
    assert client.post(STUDENT_URL, {"period": "this_year"}).status_code == 403
    page = client.get(STUDENT_URL)
    assert page.status_code == 200
    assert b"Issue certificate" not in page.content
    assert RegistrationCertificate.objects.filter(student=aroha).count() == 1


def test_issuing_with_unresolved_codes_warns_and_requires_confirmation(
    client, login, officer, aroha, unresolved
):
    login(officer)
    page = client.get(STUDENT_URL)
    assert b"still coded ?" in page.content
    refused = client.post(STUDENT_URL, {"period": "this_year"})
    assert refused.status_code == 400
    assert b"There is a problem" in refused.content
    assert b"Confirm that the certificate may be issued with 2 half-days still coded ?" in (
        refused.content
    )
    assert not RegistrationCertificate.objects.exists()
    issued = client.post(STUDENT_URL, {"period": "this_year", "confirm": "on"})
    assert issued.status_code == 302
    kept = RegistrationCertificate.objects.get(student=aroha)
    assert (kept.unresolved, kept.unresolved_codes) == (2, "?")


def test_a_bad_period_is_refused_naming_the_field_and_nothing_is_issued(client, login, officer):
    login(officer)
    response = client.post(STUDENT_URL, {"period": "forever"})
    assert response.status_code == 400
    assert b"Period: choose this school year to date" in response.content
    assert not RegistrationCertificate.objects.exists()


def test_a_caseworker_issues_from_the_case_and_the_panel_lists_it(
    client, login, caseworker, case, aroha
):
    login(caseworker)
    page = client.get(case_url(case))
    assert page.status_code == 200
    response = client.post(case_url(case), {"period": "this_year", "school": "NZ-0427"})
    assert response.status_code == 302
    kept = RegistrationCertificate.objects.get(student=aroha)
    assert kept.issued_for == "Kōwhai Attendance Service"
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = caseworker
    panel = render_to_string("certificates/_case_panel.html", {"case": case}, request=request)
    assert f"/cases/{case.pk}/certificates/{kept.pk}/download/" in panel
    assert "Issue: from the start of this school year to date" in panel


def test_downloads_check_the_hash_and_are_audited(client, login, officer, caseworker, case):
    login(officer)
    client.post(STUDENT_URL, {"period": "this_year"})
    kept = RegistrationCertificate.objects.get()
    download = client.get(f"{STUDENT_URL}{kept.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == bytes(kept.pdf)
    assert AuditEvent.objects.filter(action="download", detail__contains=kept.sha256).exists()
    login(caseworker)
    from_case = client.get(f"{case_url(case)}{kept.pk}/download/")
    assert from_case.status_code == 200
    assert AuditEvent.objects.filter(action="download", object_type="case").exists()


def test_a_tampered_file_is_refused_with_409(client, login, officer):
    login(officer)
    client.post(STUDENT_URL, {"period": "this_year"})
    kept = RegistrationCertificate.objects.get()
    RegistrationCertificate.objects.filter(pk=kept.pk).update(pdf=b"%PDF-1.7 forged")
    response = client.get(f"{STUDENT_URL}{kept.pk}/download/")
    assert response.status_code == 409
    assert b"has changed since it was issued" in response.content
    assert AuditEvent.objects.filter(detail__contains="REFUSED").exists()


def test_pages_are_audited(client, login, officer, caseworker, case):
    login(officer)
    client.get(STUDENT_URL)
    assert AuditEvent.objects.filter(
        object_type="student", detail__contains="certificates"
    ).exists()
    login(caseworker)
    client.get(case_url(case))
    assert AuditEvent.objects.filter(object_type="case", detail__contains="certificates").exists()


# Who may see what: another school's officer and another service's caseworker get 404.
def test_another_schools_user_gets_404(client, login, officer, outsider):
    login(officer)
    client.post(STUDENT_URL, {"period": "this_year"})
    kept = RegistrationCertificate.objects.get()
    login(outsider)
    assert client.get(STUDENT_URL).status_code == 404
    assert client.post(STUDENT_URL, {"period": "this_year"}).status_code == 404
    assert client.get(f"{STUDENT_URL}{kept.pk}/download/").status_code == 404
    assert RegistrationCertificate.objects.count() == 1


def test_another_services_caseworker_gets_404(client, login, officer, other_caseworker, case):
    login(officer)
    client.post(STUDENT_URL, {"period": "this_year"})
    kept = RegistrationCertificate.objects.get()
    login(other_caseworker)
    assert client.get(case_url(case)).status_code == 404
    assert client.post(case_url(case), {"period": "this_year"}).status_code == 404
    assert client.get(f"{case_url(case)}{kept.pk}/download/").status_code == 404


def test_a_certificate_of_another_student_is_not_reached_through_this_one(
    client, login, officer, students
):
    login(officer)
    client.post("/schools/NZ-0427/students/100000002/certificates/", {"period": "this_year"})
    bens = RegistrationCertificate.objects.get()
    assert client.get(f"{STUDENT_URL}{bens.pk}/download/").status_code == 404


def test_a_case_whose_child_is_on_no_stepwise_roll_explains_and_issues_nothing(
    client, login, caseworker, service
):
    from stepwise.cases.services import case_open

    found = case_open(
        service=service,
        by=caseworker,
        reason="not_enrolled",
        given_name="Kiri",
        family_name="Hohepa",
        birth_date=None,
    )
    login(caseworker)
    page = client.get(case_url(found))
    assert page.status_code == 200
    assert "not on a Stepwise school's roll" in page.content.decode()
    assert client.post(case_url(found), {"period": "this_year"}).status_code == 404
    assert not RegistrationCertificate.objects.exists()
