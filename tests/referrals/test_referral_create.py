"""An attendance officer refers a student: all of it is written, or none of it."""

import re

import pytest
from django.core.exceptions import ValidationError

from stepwise.referrals import services
from stepwise.referrals.models import Referral
from stepwise.referrals.services import referral_create
from stepwise.responses.models import ResponseActivity
from stepwise.responses.services import ResponseError
from stepwise.schools.catchments import catchment_add

URL = "/schools/NZ-0427/students/100000001/refer/"


def test_the_student_page_offers_the_referral_to_an_officer(login, officer, service):
    html = login(officer).get("/schools/NZ-0427/students/100000001/?term=2026T4").content.decode()
    assert f'href="{URL}"' in html
    assert "Refer to attendance services" in html


def test_the_form_offers_the_services_that_cover_the_school(
    login, officer, service, other_service, school
):
    html = login(officer).get(URL).content.decode()
    assert '<h1 class="govuk-heading-l">Refer Aroha Ngata to attendance services</h1>' in html
    assert "Kōwhai Attendance Service" in html
    assert "Harbour Attendance Service" not in html  # its catchment does not hold the school
    # Only attendance services: never a school.
    assert f'value="{school.organisation.pk}"' not in html


def test_it_works(login, officer, service, students):
    response = login(officer).post(
        URL,
        {"service": service.pk, "reason": "chronic_absence", "summary": "  Absent all term.  "},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.student == students["Aroha"]
    assert referral.service == service
    assert referral.reason == Referral.Reason.CHRONIC_ABSENCE
    assert referral.summary == "Absent all term."
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.referred_by == officer

    page = login(officer).get(response["Location"]).content.decode()
    assert "Aroha Ngata has been referred to Kōwhai Attendance Service." in page
    assert "Submitted" in page


def test_it_is_recorded_as_a_response_activity(login, officer, service, students, school):
    login(officer).post(
        URL, {"service": service.pk, "reason": "not_enrolled", "summary": "Left in May."}
    )
    activity = ResponseActivity.objects.get()
    assert activity.student == students["Aroha"]
    assert activity.school == school
    assert activity.response_type == "external_referral"
    assert activity.description_text == "Referred to attendance services"
    assert activity.recorded_by == officer
    assert activity.done_by == "Officer Officer"
    assert activity.threshold_event is None


# Each case: the form data, and the errors the summary must name (field anchor, message).
INVALID = [
    (
        {},
        [
            ("id_service_0", "Select the attendance service to refer to"),
            ("id_reason_0", "Select the reason for the referral"),
            ("id_summary", "Enter a summary of why you are referring the student"),
        ],
    ),
    (
        {"service": "SERVICE", "reason": "chronic_absence", "summary": "   "},
        [("id_summary", "Enter a summary of why you are referring the student")],
    ),
    (
        {"service": "SERVICE", "reason": "truancy", "summary": "x"},
        [("id_reason_0", "Select the reason for the referral")],
    ),
    (
        {"service": "SCHOOL", "reason": "chronic_absence", "summary": "x"},
        [
            (
                "id_service_0",
                "Select one of the attendance services whose catchment includes Kōwhai College",
            )
        ],
    ),
    (
        {"service": "SERVICE", "reason": "chronic_absence", "summary": "x" * 5001},
        [("id_summary", "Summary must be 5,000 characters or fewer")],
    ),
]


@pytest.mark.parametrize(("data", "errors"), INVALID)
def test_it_validates_and_writes_nothing(login, officer, service, school, data, errors):
    ids = {"SERVICE": service.pk, "SCHOOL": school.organisation.pk}
    data = {k: ids.get(v, v) for k, v in data.items()}
    response = login(officer).post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Refer Aroha Ngata" in html
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary is not None
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary[1])
    assert links == errors
    assert not Referral.objects.exists()
    assert not ResponseActivity.objects.exists()


def test_a_second_referral_waiting_for_a_decision_is_refused(login, officer, service, referral):
    response = login(officer).post(
        URL, {"service": service.pk, "reason": "chronic_absence", "summary": "Again."}
    )
    assert response.status_code == 200
    assert (
        "Aroha Ngata already has a referral to Kōwhai Attendance Service waiting for a decision"
        in response.content.decode()
    )
    assert Referral.objects.count() == 1


def test_a_declined_referral_may_be_made_again(login, officer, service, referral):
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.DECLINED)
    response = login(officer).post(
        URL, {"service": service.pk, "reason": "chronic_absence", "summary": "Again."}
    )
    assert response.status_code == 302
    assert Referral.objects.count() == 2


def test_a_failed_response_record_takes_the_referral_with_it(
    monkeypatch, officer, service, school, students
):
    def refuse(**kwargs):
        raise ResponseError("Enter who did it", field="done_by")

    monkeypatch.setattr(services, "response_record", refuse)
    with pytest.raises(ValidationError):
        referral_create(
            school=school,
            student=students["Aroha"],
            service=service,
            reason="chronic_absence",
            summary="Absent all term.",
            referred_by=officer,
        )
    assert not Referral.objects.exists()
    assert not ResponseActivity.objects.exists()


def test_the_service_refuses_a_student_of_another_school(officer, service, other_school, students):
    catchment_add(service=service, schools=[other_school])  # so the student is what is wrong
    with pytest.raises(ValidationError) as caught:
        referral_create(
            school=other_school,
            student=students["Aroha"],
            service=service,
            reason="chronic_absence",
            summary="x",
            referred_by=officer,
        )
    assert caught.value.message_dict == {
        "student": ["Aroha Ngata is not a student of Tōtara School"]
    }
    assert not Referral.objects.exists()


def test_a_school_leader_may_not_refer(login, leader, service):
    client = login(leader)
    assert client.get(URL).status_code == 403
    response = client.post(
        URL, {"service": service.pk, "reason": "chronic_absence", "summary": "x"}
    )
    assert response.status_code == 403
    assert not Referral.objects.exists()
    page = client.get("/schools/NZ-0427/students/100000001/?term=2026T4").content.decode()
    assert "Refer to attendance services" not in page


@pytest.mark.parametrize(
    "url",
    [
        URL,  # another school's student
        "/schools/NZ-0999/students/100000001/refer/",  # through your own school
    ],
)
def test_it_validates_ownership(login, outsider, service, school, url):
    client = login(outsider)
    assert client.get(url).status_code == 404
    post = client.post(url, {"service": service.pk, "reason": "chronic_absence", "summary": "x"})
    assert post.status_code == 404
    assert not Referral.objects.exists()
