"""A school refers only to an attendance service whose catchment includes it.

Who may see what: the Kōwhai Attendance Service (`service`) covers Kōwhai College;
the Harbour Attendance Service (`other_service`) covers other schools only, so Kōwhai
College's officer is never offered it and may not refer to it.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.cases.models import Case
from stepwise.cases.services import referral_accept
from stepwise.referrals.models import Referral
from stepwise.referrals.services import referral_create
from stepwise.responses.models import ResponseActivity
from stepwise.schools.models import CatchmentSchool

URL = "/schools/NZ-0427/students/100000001/refer/"


def test_the_form_lists_only_the_services_that_cover_the_school(
    login, officer, service, other_service
):
    html = login(officer).get(URL).content.decode()
    assert f'value="{service.pk}"' in html
    assert "Kōwhai Attendance Service" in html
    assert "Harbour Attendance Service" not in html


def test_a_referral_to_a_service_outside_the_catchment_is_refused_and_nothing_written(
    login, officer, service, other_service
):
    form = {"service": other_service.pk, "reason": "chronic_absence", "summary": "Absent."}
    response = login(officer).post(URL, form)
    assert response.status_code == 200
    html = response.content.decode()
    message = "Select one of the attendance services whose catchment includes Kōwhai College"
    assert f'<a href="#id_service_0">{message}</a>' in html
    assert not Referral.objects.exists()
    assert not ResponseActivity.objects.exists()


def test_referral_create_refuses_a_service_outside_the_catchment(
    school, students, officer, other_service
):
    with pytest.raises(ValidationError, match="its catchment does not include Kōwhai College"):
        referral_create(
            school=school,
            student=students["Aroha"],
            service=other_service,
            reason=Referral.Reason.CHRONIC_ABSENCE,
            summary="Absent.",
            referred_by=officer,
        )
    assert not Referral.objects.exists()
    assert not ResponseActivity.objects.exists()


def test_a_form_with_no_service_says_why_none_is_offered(login, officer, other_service):
    response = login(officer).get(URL)
    html = response.content.decode()
    assert "No attendance service’s catchment includes Kōwhai College yet" in html
    assert "the administrator of this Stepwise installation" in html
    assert "Send referral" not in html
    assert "Harbour Attendance Service" not in html


def test_a_service_accepts_a_referral_from_a_school_it_covers(
    school, students, officer, service, manager
):
    referral = referral_create(
        school=school,
        student=students["Aroha"],
        service=service,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Absent.",
        referred_by=officer,
    )
    case = referral_accept(referral=referral, by=manager)
    assert (case.service, case.student) == (service, students["Aroha"])


def test_a_service_may_not_accept_a_referral_from_a_school_it_no_longer_covers(
    school, students, officer, service, manager
):
    referral = referral_create(
        school=school,
        student=students["Aroha"],
        service=service,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Absent.",
        referred_by=officer,
    )
    call_command("org", "uncovers", str(service.pk), school.code)
    with pytest.raises(ValidationError, match="Kōwhai College is not in this service’s catchment"):
        referral_accept(referral=referral, by=manager)
    assert not Case.objects.exists()
    assert Referral.objects.get().status == Referral.Status.SUBMITTED


def test_the_manager_is_told_why_a_referral_from_outside_the_catchment_cannot_be_accepted(
    login, school, students, officer, service, manager
):
    referral = referral_create(
        school=school,
        student=students["Aroha"],
        service=service,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Absent.",
        referred_by=officer,
    )
    CatchmentSchool.objects.filter(service=service).delete()
    response = login(manager).post(f"/referrals/{referral.pk}/decide/", {"decision": "accept"})
    assert response.status_code == 400
    assert "Kōwhai College is not in this service’s catchment" in response.content.decode()
    assert not Case.objects.exists()
    declined = login(manager).post(
        f"/referrals/{referral.pk}/decide/", {"decision": "decline", "note": "Not ours."}
    )
    assert declined.status_code == 302
    assert Referral.objects.get().status == Referral.Status.DECLINED


def test_the_command_sets_a_services_catchment(school, other_service, capsys):
    call_command("org", "covers", "Harbour Attendance Service", school.code)
    assert list(CatchmentSchool.objects.values_list("service", "school")) == [
        (other_service.pk, school.pk)
    ]
    call_command("org", "covers", str(other_service.pk), school.code)  # again: no change
    assert CatchmentSchool.objects.count() == 1
    call_command("org", "list")
    assert "Harbour Attendance Service" in capsys.readouterr().out
    call_command("org", "uncovers", str(other_service.pk), school.code)
    assert not CatchmentSchool.objects.exists()


# Each case: the command's arguments, and what the refusal must say.
BAD_COMMANDS = [
    (["covers", "No Such Service", "NZ-0427"], "no attendance service is called or numbered"),
    (["covers", "Harbour Attendance Service", "ZZ-1"], "no school has the id 'ZZ-1'"),
    (["covers", "Kōwhai College", "NZ-0427"], "no attendance service is called or numbered"),
]


@pytest.mark.parametrize(("args", "message"), BAD_COMMANDS)
def test_the_command_refuses_what_it_cannot_find(school, other_service, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("org", *args)
    assert not CatchmentSchool.objects.exists()


def test_the_installation_administrator_sets_a_catchment_in_the_django_admin(
    login, school, other_service
):
    root = get_user_model().objects.create_superuser("root", password="x" * 20)
    client = login(root)
    form = client.get("/admin/schools/catchmentschool/add/").content.decode()
    services = re.search(r'<select name="service".*?</select>', form, re.S)
    assert services is not None
    assert "Harbour Attendance Service" in services[0]
    assert "Kōwhai College" not in services[0]  # a school's organisation is no service
    response = client.post(
        "/admin/schools/catchmentschool/add/", {"service": other_service.pk, "school": school.pk}
    )
    assert response.status_code == 302
    assert CatchmentSchool.objects.filter(service=other_service, school=school).exists()
