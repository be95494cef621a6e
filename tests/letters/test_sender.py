"""A service's managers (and its organisation admins) set how its letters are headed and signed."""

from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.models import Membership
from stepwise.letters.models import Letter, LetterSender
from tests.referrals.conftest import add_member


def form(**extra):
    return {
        "name": "Kōwhai Attendance Service",
        "address": "PO Box 4121\nHamilton 3240",
        "phone": "07 555 0199",
        "email": "letters@example.org",
        "signatory": "",
        "signatory_title": "Attendance caseworker",
        **extra,
    }


def test_a_manager_sets_the_heading_and_letters_use_it(case, manager, caseworker, login):
    client = login(manager)
    url = reverse("letter_sender", args=[case.service_id])
    assert client.get(url).status_code == 200
    response = client.post(url, form())
    assert response.status_code == 302
    kept = LetterSender.objects.get(organisation=case.service)
    assert kept.phone == "07 555 0199" and kept.address == "PO Box 4121\nHamilton 3240"
    page = (
        login(caseworker)
        .get(reverse("letter_issue", args=[case.pk, "chronic_absence_1"]))
        .content.decode()
    )
    assert "call Caseworker Person on 07 555 0199" in page


def test_the_phone_number_is_required(case, manager, login):
    response = login(manager).post(reverse("letter_sender", args=[case.service_id]), form(phone=""))
    assert response.status_code == 400
    assert "Enter the phone number for letters" in response.content.decode()
    assert not LetterSender.objects.exists()


def test_a_caseworker_may_not_change_it_and_another_service_cannot_see_it(
    case, caseworker, other_caseworker, login
):
    url = reverse("letter_sender", args=[case.service_id])
    assert login(caseworker).get(url).status_code == 403
    assert login(other_caseworker).get(url).status_code == 404
    assert login(other_caseworker).post(url, form()).status_code == 404
    assert not LetterSender.objects.exists()


def test_an_officer_is_told_up_front_who_sets_the_schools_phone_number(
    students, officer, login, school
):
    # Kōwhai College's letters have no heading yet; its admin is Mere Tane.
    admin = add_member("schooladmin", school.organisation, Membership.Role.SCHOOL_ADMIN)
    admin.first_name, admin.last_name = "Mere", "Tane"
    admin.save()
    url = reverse("school_letter_new", args=["NZ-0427", students["Aroha"].national_id,
                                             "school_notification"])  # fmt: skip
    client = login(officer)
    html = client.get(url).content.decode()
    assert "Letters from Kōwhai College need a phone number" in html
    assert "Mere Tane (school admin) can set it" in html
    assert reverse("letter_sender", args=[school.organisation_id]) not in html  # not theirs
    # Sending anyway says the same, on the page and without a letter written.
    response = client.post(url, {
        "action": "send", "days_missed": "29", "days_possible": "29", "method": "hand",
        "sent_on": timezone.localdate().isoformat(), "reason": "reached 10 days",
    })  # fmt: skip
    assert response.status_code == 400
    assert "Mere Tane (school admin) can set it" in response.content.decode()
    assert not Letter.objects.exists()


def test_the_admin_who_may_set_it_gets_the_link(students, login, school):
    admin = add_member("schooladmin", school.organisation, Membership.Role.SCHOOL_ADMIN)
    officer = add_member("officer2", school.organisation, Membership.Role.ATTENDANCE_OFFICER)
    Membership.objects.create(
        user=admin, organisation=school.organisation, role=Membership.Role.ATTENDANCE_OFFICER
    )
    url = reverse("school_letter_new", args=["NZ-0427", students["Aroha"].national_id,
                                             "school_notification"])  # fmt: skip
    html = login(admin).get(url).content.decode()
    assert f'href="{reverse("letter_sender", args=[school.organisation_id])}"' in html
    assert officer.username not in html


def test_a_caseworker_is_told_which_managers_set_the_services_phone(
    case, manager, caseworker, login
):
    html = (
        login(caseworker)
        .get(reverse("letter_issue", args=[case.pk, "chronic_absence_1"]))
        .content.decode()
    )
    assert "Letters from Kōwhai Attendance Service need a phone number" in html
    assert "Manager Person (service manager) can set it" in html
