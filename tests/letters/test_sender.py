"""A service's managers (and its organisation admins) set how its letters are headed and signed."""

from django.urls import reverse

from stepwise.letters.models import LetterSender


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
