"""The letters pages: the ladder with reasons, preview and send, verified and audited downloads."""

import hashlib

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from stepwise.audit.models import AuditEvent
from stepwise.cases.models import LogEntry, Task
from stepwise.cases.services import case_pathway_set
from stepwise.letters.models import Letter
from tests.front.conftest import TODAY

from .conftest import at


def send_form(**extra):
    return {
        "action": "send",
        "days_missed": "29",
        "days_possible": "29",
        "sent_on": timezone.localdate().isoformat(),
        "method": "post",
        "reason": "no answer to three calls",
        **extra,
    }


def test_the_case_page_links_to_its_letters(case, caseworker, login):
    page = login(caseworker).get(reverse("case", args=[case.pk]))
    assert reverse("case_letters", args=[case.pk]).encode() in page.content
    assert b"Send a letter" in page.content


def test_the_letters_page_shows_the_ladder_with_reasons(case, caseworker, login, sender):
    page = login(caseworker).get(reverse("case_letters", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Letter 1: support and legal obligations" in text
    assert "Letter 1 has not been sent to Rawiri Ngata." in text
    assert "Letter 3 has not been sent to Hine Ngata: it must go to every caregiver" in text
    assert AuditEvent.objects.filter(detail__endswith="letters", action="view").exists()


def test_the_preview_reads_as_the_letter_will(case, caseworker, login, sender):
    page = login(caseworker).get(reverse("letter_issue", args=[case.pk, "chronic_absence_1"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tēnā koe Hine Ngata," in text
    assert "Aroha has missed 29 of 29 school days this term" in text
    assert "This letter may be sent now." in text


def test_sending_from_the_page_issues_one_letter_per_caregiver(case, caseworker, login, sender):
    client = login(caseworker)
    url = reverse("letter_issue", args=[case.pk, "chronic_absence_1"])
    response = client.post(url, send_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("case_letters", args=[case.pk])
    assert Letter.objects.filter(case=case).count() == 2
    assert LogEntry.objects.filter(case=case, kind="letter").count() == 2
    assert (
        Task.objects.filter(case=case, created_by=None, title__startswith="Follow up").count() == 1
    )


def test_a_refused_letter_needs_a_written_reason(case, caseworker, login, sender):
    client = login(caseworker)
    url = reverse("letter_issue", args=[case.pk, "chronic_absence_3"])
    refused = client.post(url, send_form())
    assert refused.status_code == 400
    assert (
        "The ladder refuses this letter now: Letter 1 has not been sent to Hine Ngata. "
        "Letter 1 has not been sent to Rawiri Ngata. To send it anyway, say why"
    ) in refused.content.decode()
    assert not Letter.objects.exists()
    sent = client.post(url, send_form(override_reason="Letter 1 went from the school."))
    assert sent.status_code == 302
    assert set(Letter.objects.values_list("override_reason", flat=True)) == {
        "Letter 1 went from the school."
    }


def test_an_unknown_letter_is_not_found(case, caseworker, login):
    assert login(caseworker).get(reverse("letter_issue", args=[case.pk, "nope"])).status_code == 404


def test_a_download_is_the_stored_pdf_and_is_audited(case, caseworker, login, sender):
    client = login(caseworker)
    client.post(reverse("letter_issue", args=[case.pk, "chronic_absence_1"]), send_form())
    letter = Letter.objects.filter(case=case).first()
    response = client.get(reverse("letter_download", args=[case.pk, letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == letter.sha256
    assert AuditEvent.objects.filter(action="download", detail__contains=letter.sha256).exists()


def test_a_tampered_file_is_reported_and_not_served(case, caseworker, login, sender):
    client = login(caseworker)
    client.post(reverse("letter_issue", args=[case.pk, "chronic_absence_1"]), send_form())
    letter = Letter.objects.filter(case=case).first()
    # Someone edits the stored file behind Stepwise's back, straight in the database.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE letters_letter SET pdf = %s WHERE id = %s",
            [bytes(letter.pdf) + b"\n% a line added later\n", letter.pk],
        )
    response = client.get(reverse("letter_download", args=[case.pk, letter.pk]))
    assert response.status_code == 409
    text = response.content.decode()
    assert "This letter's file has changed since it was sent" in text
    assert letter.sha256 in text
    assert not text.startswith("%PDF")
    assert AuditEvent.objects.filter(detail__contains="REFUSED: hash mismatch").exists()


def test_another_services_caseworker_sees_none_of_it(case, caseworker, other_caseworker, login,
                                                     sender):  # fmt: skip
    login(caseworker).post(
        reverse("letter_issue", args=[case.pk, "chronic_absence_1"]), send_form()
    )
    letter = Letter.objects.filter(case=case).first()
    client = login(other_caseworker)
    for url in (
        reverse("case_letters", args=[case.pk]),
        reverse("letter_issue", args=[case.pk, "chronic_absence_1"]),
        reverse("letter_download", args=[case.pk, letter.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("letter_issue", args=[case.pk, "chronic_absence_1"]), send_form()
        ).status_code
        == 404
    )
    assert Letter.objects.count() == 2


def test_the_page_warns_of_another_pathway_and_of_earlier_letters(case, caseworker, login, sender):
    case_pathway_set(case=case, exploring=True)
    LogEntry.objects.create(
        case=case,
        kind="letter",
        notes="Letter 1 sent by the previous provider.",
        happened_at=at(TODAY, 8),
        recorded_at=at(TODAY, 8),
        recorded_by_name="Previous provider",
        transferred=True,
    )
    page = login(caseworker).get(reverse("letter_issue", args=[case.pk, "chronic_absence_1"]))
    warnings = page.content.decode().split('id="warnings"')[1].split("</ul>")[0]
    assert "exploring another education pathway or an exemption" in warnings
    assert "1 earlier letter on record. The school or a previous provider" in warnings
    assert "This letter may be sent now." in page.content.decode()  # warned, not refused
