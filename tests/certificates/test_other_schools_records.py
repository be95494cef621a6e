"""A school that enrols another school's child never reaches what the other school holds.

Who may see what: Kōwhai College (NZ-0427) pushes Oakfield Primary's (KT-1, Kent) pupil
Ava under her UPN and a name of its own, refers her, and the Kōwhai Attendance Service
accepts. Kōwhai and its service see Kōwhai's record of the child; Oakfield keeps its
own, and its certificate of Ava stays with Oakfield.
"""

import json

import pytest
from django.test import Client

from stepwise.accounts.models import Membership
from stepwise.api.services import token_create
from stepwise.cases.services import referral_accept
from stepwise.certificates.models import RegistrationCertificate
from stepwise.certificates.services import certificate_issue
from stepwise.referrals.models import Referral
from stepwise.referrals.services import referral_create
from stepwise.schools.models import Student
from tests.referrals.conftest import add_member

from .conftest import pdf_text

UPN = "A123456789012"
ATTENDANCE_OFFICER = Membership.Role.ATTENDANCE_OFFICER


@pytest.fixture
def oakfield_certificate(kent_school, ava, now) -> RegistrationCertificate:
    officer = add_member("kentofficer", kent_school.organisation, ATTENDANCE_OFFICER)
    return certificate_issue(
        school=kent_school,
        student=ava,
        period="this_year",
        by=officer,
        issued_for=kent_school.organisation,
        confirmed_unresolved=True,
    )


@pytest.fixture
def pushed(school, kent_school) -> Student:
    """Kōwhai College's API token pushes Ava's UPN under another name and birth date."""
    _, secret = token_create(organisation=school.organisation, name="Kōwhai SMS", created_by=None)
    row = {
        "student_id": UPN,
        "given_name": "Renamed",
        "family_name": "Elsewhere",
        "birth_date": "2015-01-01",
        "year_level": 6,
        "enrolled_from": "2026-02-02",
    }
    response = Client().post(
        f"/api/v1/schools/{school.code}/roster",
        json.dumps({"rows": [row]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.content
    return Student.objects.get(national_id=UPN, enrolments__school=school)


def test_oakfield_still_shows_its_own_record_of_ava(client, login, kent_school, pushed):
    ava = Student.objects.get(national_id=UPN, enrolments__school=kent_school)
    assert (ava.given_name, ava.family_name, str(ava.birth_date)) == ("Ava", "Smith", "2016-05-06")
    kent_officer = add_member("kentofficer", kent_school.organisation, ATTENDANCE_OFFICER)
    login(kent_officer)
    page = client.get(f"/schools/KT-1/students/{UPN}/")
    assert "Ava Smith" in page.content.decode()
    assert "Renamed" not in page.content.decode()


def test_a_service_never_reaches_another_schools_certificate_through_a_referral(
    client, login, school, officer, service, manager, caseworker, oakfield_certificate, pushed
):
    referral = referral_create(
        school=school,
        student=pushed,
        service=service,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Absent since moving here.",
        referred_by=officer,
    )
    case = referral_accept(referral=referral, by=manager, assign_to=caseworker)
    login(caseworker)
    page = client.get(f"/cases/{case.pk}/certificates/")
    assert page.status_code == 200
    assert f"/certificates/{oakfield_certificate.pk}/download/" not in page.content.decode()
    assert "Oakfield" not in page.content.decode()
    download = client.get(f"/cases/{case.pk}/certificates/{oakfield_certificate.pk}/download/")
    assert download.status_code == 404
    # The service's case names the child as the referring school holds them.
    assert "Renamed Elsewhere" in client.get(f"/cases/{case.pk}/").content.decode()


def test_oakfields_certificate_issued_after_the_push_names_ava_as_oakfield_holds_her(
    kent_school, pushed, tmp_path
):
    officer = add_member("kentofficer", kent_school.organisation, ATTENDANCE_OFFICER)
    ava = Student.objects.get(national_id=UPN, school=kent_school)
    issued = certificate_issue(
        school=kent_school,
        student=ava,
        period="this_year",
        by=officer,
        issued_for=kent_school.organisation,
        confirmed_unresolved=True,
    )
    text = pdf_text(bytes(issued.pdf), tmp_path)
    assert "Ava Smith" in text
    assert "Renamed" not in text
