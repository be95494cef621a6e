"""When a service sends letters on a case, the case's school is told: on the student's page,
and by email to the address the school set for notices (issue 5, item 3)."""

from decimal import Decimal

from django.core import mail
from django.urls import reverse

from stepwise.letters.models import LetterNotice
from stepwise.letters.services import Figures, letter_issue
from tests.front.conftest import TODAY

from .conftest import at


def send_letter_one(case, caseworker):
    return letter_issue(
        case=case,
        letter_key="chronic_absence_1",
        by=caseworker,
        sent_on=TODAY,
        method="post",
        reason="three calls and a home visit went unanswered",
        figures=Figures(days_missed=Decimal(29), days_possible=Decimal(29)),
        now=at(TODAY, 14),
    )


def test_the_school_sees_the_services_letter_on_the_students_page(
    case, caseworker, sender, school_sender, students, officer, login
):
    send_letter_one(case, caseworker)
    (notice,) = LetterNotice.objects.all()
    assert (notice.school.code, notice.student, notice.step) == ("NZ-0427", students["Aroha"], 1)
    assert notice.recipients.splitlines() == ["Hine Ngata", "Rawiri Ngata"]
    page = login(officer).get(reverse("student", args=["NZ-0427", students["Aroha"].national_id]))
    text = page.content.decode()
    assert "Letters from attendance services" in text
    assert "Kōwhai Attendance Service" in text and "Letter 1: support and legal obligations" in text


def test_the_school_is_emailed_at_its_notices_address_without_the_familys_details(
    case, caseworker, sender, school_sender
):
    send_letter_one(case, caseworker)
    to_school = [m for m in mail.outbox if m.to == ["attendance@kowhai.example.org"]]
    (message,) = to_school
    assert message.subject == "Kōwhai Attendance Service sent letter 1 about Aroha Ngata"
    assert "to 2 caregivers with parental responsibility, by post" in message.body
    assert "Hine" not in message.body and "Rawiri" not in message.body
    assert "unanswered" not in message.body  # why stays in Stepwise
    assert LetterNotice.objects.get().emailed_to == "attendance@kowhai.example.org"


def test_a_school_without_an_address_is_told_on_the_page_only(case, caseworker, sender):
    send_letter_one(case, caseworker)
    notice = LetterNotice.objects.get()
    assert notice.emailed_to == "" and notice.email_error == ""
    assert mail.outbox == []
