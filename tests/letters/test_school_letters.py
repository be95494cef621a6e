"""A school sends its own letters from a student's page: one per caregiver, each a response.

Who may see what (tests/front and tests/referrals): `officer` (attendance officer,
Kōwhai College) sees and sends the school's letters; `leader` (school leader) sees
them but does not send; `outsider` (attendance officer, Tōtara School) gets 404.
Aroha Ngata's caregivers in the school's records: Hine (lives with her, has an
address and an email, prefers te reo Māori) and Rawiri (lives elsewhere, no address).
"""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from stepwise.audit.models import AuditEvent
from stepwise.letters.models import Letter
from stepwise.responses.models import ResponseActivity

NOTIFICATION = "school_notification"


def letters_url(student, page="student_letters", *args):
    return reverse(page, args=["NZ-0427", student.national_id, *args])


def send_form(**extra):
    return {
        "action": "send",
        "days_missed": "29",
        "days_possible": "29",
        "sent_on": timezone.localdate().isoformat(),
        "method": "hand",
        "reason": "reached 10 days absent this term",
        **extra,
    }


def test_letter_one_goes_to_both_caregivers_as_two_pdfs_and_two_responses(
    students, officer, login, school_sender
):
    aroha = students["Aroha"]
    client = login(officer)
    response = client.post(letters_url(aroha, "school_letter_new", NOTIFICATION), send_form())
    assert response.status_code == 302
    assert response["Location"] == letters_url(aroha)

    letters = list(Letter.objects.filter(student=aroha).order_by("pk"))
    assert [letter.recipient_name for letter in letters] == ["Hine Ngata", "Rawiri Ngata"]
    for letter in letters:
        pdf = bytes(letter.pdf)
        assert pdf.startswith(b"%PDF-") and letter.sha256 == hashlib.sha256(pdf).hexdigest()
        assert letter.case is None and letter.school.code == "NZ-0427"
    # The school's record: one "Sent written communication" per letter, with the log text
    # in its private notes and the Description NZ's guidance names for a first letter.
    activities = ResponseActivity.objects.filter(student=aroha).order_by("pk")
    assert [a.pk for a in activities] == [letter.response_activity_id for letter in letters]
    for activity, name in zip(activities, ["Hine Ngata", "Rawiri Ngata"], strict=True):
        assert activity.response_type == "written_communication"
        assert activity.description_text == "Sent notification to whānau"
        assert activity.notes.startswith(f"Letter 1 (notification of absence) sent to {name} on ")
        assert "by hand delivery, because reached 10 days absent this term." in activity.notes

    page = client.get(letters_url(aroha)).content.decode()
    assert "Letter 1 sent to Hine Ngata, Rawiri Ngata." in page
    assert "Letter 1 already went to Hine Ngata" in page  # sending it again is a warning


def test_a_download_is_the_stored_pdf_checked_and_audited(students, officer, login, school_sender):
    aroha = students["Aroha"]
    client = login(officer)
    client.post(letters_url(aroha, "school_letter_new", NOTIFICATION), send_form())
    letter = Letter.objects.filter(student=aroha).first()
    response = client.get(letters_url(aroha, "school_letter_download", letter.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == (
        bytes(letter.pdf)
    )
    assert AuditEvent.objects.filter(
        action="download", object_type="student", detail__contains=letter.sha256
    ).exists()


def test_letter_three_is_refused_with_the_ladders_reasons(students, officer, login, school_sender):
    aroha = students["Aroha"]
    client = login(officer)
    url = letters_url(aroha, "school_letter_new", "school_formal_warning")
    page = client.get(url).content.decode()
    assert "This letter should not be sent now:" in page
    assert "Letter 1 has not been sent to Hine Ngata." in page
    assert "Letter 2 has not been sent to Rawiri Ngata." in page
    # Sent without a written reason for overriding the ladder: refused, nothing written.
    response = client.post(url, send_form())
    assert response.status_code == 400
    assert (
        "The ladder refuses this letter now: Letter 1 has not been sent to Hine Ngata. "
        "Letter 2 has not been sent to Hine Ngata."
    ) in response.content.decode()
    assert not Letter.objects.filter(student=aroha).exists()
    assert not ResponseActivity.objects.filter(student=aroha).exists()


def test_post_needs_an_address_for_every_caregiver(students, officer, login, school_sender):
    aroha = students["Aroha"]
    response = login(officer).post(
        letters_url(aroha, "school_letter_new", NOTIFICATION), send_form(method="post")
    )
    assert response.status_code == 400
    assert "No postal address for Rawiri Ngata: add it to the school&#x27;s caregiver records" in (
        response.content.decode()
    )
    assert not Letter.objects.exists() and not ResponseActivity.objects.exists()


def test_the_student_page_shows_the_letters(students, officer, login, school_sender):
    aroha = students["Aroha"]
    client = login(officer)
    client.post(letters_url(aroha, "school_letter_new", NOTIFICATION), send_form())
    page = client.get(reverse("student", args=["NZ-0427", aroha.national_id])).content.decode()
    assert 'id="letters-heading"' in page
    assert "Letter 1: notification of absence" in page
    assert letters_url(aroha) in page


def test_a_school_leader_sees_the_letters_but_does_not_send_them(
    students, leader, login, school_sender
):
    aroha = students["Aroha"]
    client = login(leader)
    page = client.get(letters_url(aroha))
    assert page.status_code == 200
    assert b"Prepare letter 1" not in page.content
    response = client.post(letters_url(aroha, "school_letter_new", NOTIFICATION), send_form())
    assert response.status_code == 403
    assert not Letter.objects.exists()


@pytest.mark.parametrize("page", ["student_letters", "school_letter_new", "school_letter_download"])
def test_another_schools_officer_gets_404(page, students, officer, outsider, login, school_sender):
    aroha = students["Aroha"]
    login(officer).post(letters_url(aroha, "school_letter_new", NOTIFICATION), send_form())
    letter = Letter.objects.filter(student=aroha).first()
    args = {
        "student_letters": (),
        "school_letter_new": (NOTIFICATION,),
        "school_letter_download": (letter.pk,),
    }[page]
    client = login(outsider)
    assert client.get(letters_url(aroha, page, *args)).status_code == 404
    assert client.post(letters_url(aroha, page, *args), send_form()).status_code == 404
    assert Letter.objects.count() == 2


def test_the_response_a_letter_recorded_stands_with_the_letter(
    students, officer, login, school_sender
):
    from stepwise.responses.services import ResponseError, response_withdraw

    aroha = students["Aroha"]
    client = login(officer)
    client.post(letters_url(aroha, "school_letter_new", NOTIFICATION), send_form())
    activity = ResponseActivity.objects.filter(student=aroha).first()
    with pytest.raises(ResponseError, match="records a letter Stepwise sent"):
        response_withdraw(activity=activity, by=officer, reason="Sent by mistake")
    history = client.get(reverse("response_add", args=["NZ-0427", aroha.national_id]))
    assert "Sent notification to whānau" in history.content.decode()
    assert reverse("response_withdraw", args=["NZ-0427", activity.pk]) not in (
        history.content.decode()
    )
    assert ResponseActivity.objects.filter(student=aroha).count() == 2
