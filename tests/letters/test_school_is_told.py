"""When a service sends letters on a case, the case's school is told: on the student's page,
and by email to the address the school set for notices."""

from decimal import Decimal

from django.core import mail
from django.urls import reverse

from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.letters.models import LetterNotice
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


def test_a_school_admin_sets_where_notices_go(school, login):
    from stepwise.accounts.models import Membership
    from stepwise.letters.models import LetterSender
    from tests.referrals.conftest import add_member

    admin = add_member("schooladmin", school.organisation, Membership.Role.SCHOOL_ADMIN)
    url = reverse("letter_sender", args=[school.organisation_id])
    client = login(admin)
    assert "Email address for notices" in client.get(url).content.decode()
    response = client.post(
        url, {"name": "Kōwhai College", "phone": "07 555 0100", "notices_email": "not an address"}
    )
    assert response.status_code == 400 and "Enter a valid email address" in (
        response.content.decode()
    )
    assert not LetterSender.objects.exists()
    client.post(url, {"name": "Kōwhai College", "phone": "07 555 0100",
                      "notices_email": "attendance@kowhai.example.org"})  # fmt: skip
    assert LetterSender.objects.get().notices_email == "attendance@kowhai.example.org"


def test_a_service_is_not_asked_for_a_notices_address(service, manager, login):
    page = login(manager).get(reverse("letter_sender", args=[service.pk]))
    assert page.status_code == 200 and "Email address for notices" not in page.content.decode()
