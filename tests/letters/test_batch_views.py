"""The batch pages: start a batch, watch its progress, read the summary, print one PDF.

Who may see what: `officer` (Kōwhai College) starts and sees the school's batches;
`outsider` (Tōtara School) gets 404 for them; `caseworker` (Kōwhai Attendance Service)
starts the service's batches; `other_caseworker` (Harbour) gets 404 for them.
"""

import hashlib
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from stepwise.audit.models import AuditEvent
from stepwise.letters.models import Letter, LetterBatch

from .test_batch_run import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def batch_form(**extra):
    return {
        "sent_on": timezone.localdate().isoformat(),
        "method": "hand",
        "reason": "reached 10 days absent this term",
        **extra,
    }


def start_school_batch(client, **extra) -> LetterBatch:
    response = client.post(reverse("school_letter_batches", args=["NZ-0427"]), batch_form(**extra))
    assert response.status_code == 302, response.content.decode()
    batch = LetterBatch.objects.latest("pk")
    assert response["Location"] == reverse("school_letter_batch", args=["NZ-0427", batch.pk])
    return batch


def test_the_page_shows_progress_then_the_summary_and_the_pdf(
    evaluated, officer, login, school_sender
):
    client = login(officer)
    page = client.get(reverse("school_letter_batches", args=["NZ-0427"])).content.decode()
    assert "1 student: Aroha Ngata." in page  # Ben, with no caregiver, is left out
    batch = start_school_batch(client)
    url = reverse("school_letter_batch", args=["NZ-0427", batch.pk])

    waiting = client.get(url).content.decode()
    assert 'role="progressbar"' in waiting and 'aria-valuenow="0"' in waiting
    assert "0 of 1 student done" in waiting
    assert 'hx-trigger="every 1s"' in waiting  # polls while the worker sends

    run_worker()
    fragment = client.get(url + "?part=progress").content.decode()
    assert 'aria-valuenow="100"' in fragment and "hx-trigger" not in fragment
    assert "1 of 1 student done: 2 letters sent, 0 skipped." in fragment
    assert "Hine Ngata, Rawiri Ngata" in fragment  # Aroha's two letters

    batch.refresh_from_db()
    pdf = client.get(reverse("school_letter_batch_pdf", args=["NZ-0427", batch.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    printed_sha = hashlib.sha256(pdf.content).hexdigest()
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 2
    assert AuditEvent.objects.filter(
        object_type="letter_batch",
        action="download",
        detail=f"print file of 2 letters {printed_sha}",
    ).exists()
    assert AuditEvent.objects.filter(object_type="letter_batch", action="change").exists()


def test_a_letter_changed_since_it_was_sent_stops_the_print_file(
    evaluated, officer, login, school_sender
):
    client = login(officer)
    batch = start_school_batch(client)
    url = reverse("school_letter_batch_pdf", args=["NZ-0427", batch.pk])
    assert client.get(url).status_code == 404  # not sent yet: nothing to print
    run_worker()
    letter = Letter.objects.order_by("pk").first()
    Letter.objects.filter(pk=letter.pk).update(pdf=b"%PDF-1.7 not what was sent")
    refused = client.get(url)
    page = refused.content.decode()
    assert refused.status_code == 409 and refused["Content-Type"].startswith("text/html")
    assert "A letter in this batch has changed since it was sent" in page
    assert letter.recipient_name in page and letter.sha256 in page
    assert AuditEvent.objects.filter(
        object_type="letter_batch", action="download", detail__startswith="print file REFUSED"
    ).exists()


def test_a_batch_skips_whom_the_ladder_refuses_by_the_time_it_runs_with_the_reason(
    evaluated, officer, login, school_sender
):
    client = login(officer)
    first = start_school_batch(client)
    # Started before the first has run: Aroha is still offered letter 1.
    second = start_school_batch(client)
    run_worker()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sent, first.skipped, second.sent, second.skipped) == (2, 0, 0, 1)
    # By the time the second ran, the first had sent letter 1 to Aroha's caregivers today.
    reasons = dict(second.items.values_list("label", "reason"))
    assert "Hine Ngata on " in reasons["Aroha Ngata"]
    assert "leave at least 7 days between letters" in reasons["Aroha Ngata"]
    assert "No attempt to engage has been recorded since letter 1" in reasons["Aroha Ngata"]
    assert Letter.objects.count() == 2  # nothing sent twice


def test_nothing_is_queued_for_a_refused_request(evaluated, officer, login, school_sender):
    response = login(officer).post(
        reverse("school_letter_batches", args=["NZ-0427"]), batch_form(reason="")
    )
    assert response.status_code == 400
    assert "Say why you are sending these letters" in response.content.decode()
    assert not LetterBatch.objects.exists()


def test_a_service_sends_a_letter_across_the_cases_it_selects(case, caseworker, login, sender):
    client = login(caseworker)
    url = reverse("service_letter_batches", args=[case.service_id])
    page = client.get(url).content.decode()
    assert f"{case.reference}: Aroha Ngata" in page
    response = client.post(
        url, batch_form(letter="chronic_absence_1", cases=[str(case.pk)], method="hand")
    )
    assert response.status_code == 302
    batch = LetterBatch.objects.get()
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.sent, batch.skipped) == ("done", 2, 0)
    assert Letter.objects.filter(case=case, step=1).count() == 2
    summary = client.get(reverse("service_letter_batch", args=[case.service_id, batch.pk]))
    assert "Hine Ngata, Rawiri Ngata" in summary.content.decode()


def test_a_letter_that_needs_a_confirmation_is_not_offered(case, caseworker, login, sender):
    response = login(caseworker).post(
        reverse("service_letter_batches", args=[case.service_id]),
        batch_form(letter="chronic_absence_4", cases=[str(case.pk)]),
    )
    assert response.status_code == 400
    assert "Choose a letter a batch may send" in response.content.decode()
    assert not LetterBatch.objects.exists()


def test_another_schools_officer_gets_404(evaluated, officer, outsider, login, school_sender):
    batch = start_school_batch(login(officer))
    run_worker()
    client = login(outsider)
    for name in ("school_letter_batch", "school_letter_batch_pdf"):
        assert client.get(reverse(name, args=["NZ-0427", batch.pk])).status_code == 404
        assert client.get(reverse(name, args=["NZ-0999", batch.pk])).status_code == 404
    assert (
        client.post(reverse("school_letter_batches", args=["NZ-0427"]), batch_form()).status_code
        == 404
    )
    assert LetterBatch.objects.count() == 1


def test_another_services_caseworker_gets_404(case, caseworker, other_caseworker, login, sender):
    login(caseworker).post(
        reverse("service_letter_batches", args=[case.service_id]),
        batch_form(letter="chronic_absence_1", cases=[str(case.pk)]),
    )
    batch = LetterBatch.objects.get()
    client = login(other_caseworker)
    for name in ("service_letter_batch", "service_letter_batch_pdf"):
        assert client.get(reverse(name, args=[case.service_id, batch.pk])).status_code == 404
    assert client.get(reverse("service_letter_batches", args=[case.service_id])).status_code == 404


def test_the_offer_counts_only_whom_the_ladder_allows_now_and_says_who_it_leaves_out(
    evaluated, officer, login, school_sender
):
    client = login(officer)
    url = reverse("school_letter_batches", args=["NZ-0427"])
    page = " ".join(client.get(url).content.decode().split())
    # Ben has no caregiver recorded: the ladder refuses him before anything is sent.
    assert "1 student: Aroha Ngata." in page
    assert "Send letter 1 to 1 student's caregivers" in page
    assert "1 student left out, as the ladder refuses letter 1 now:" in page
    assert "Ben Cooper: No caregiver with parental responsibility is recorded." in page

    batch = start_school_batch(client)
    assert batch.total == 1
    run_worker()
    # The same day again: Aroha's caregivers had letter 1 today, so nobody is offered it.
    page = " ".join(client.get(url).content.decode().split())
    assert "Send letter 1" not in page
    assert "No student's caregivers may be sent letter 1 now." in page
    assert "2 students left out, as the ladder refuses letter 1 now:" in page
    assert re.search(r"Aroha Ngata: [^<]*Hine Ngata on ", page), page[page.find("left out") :][:600]
    refused = client.post(url, batch_form())
    assert refused.status_code == 400
    assert "The ladder refuses letter 1 now to all 2 students" in refused.content.decode()
    assert LetterBatch.objects.count() == 1


def test_a_batch_dated_before_a_student_reached_the_threshold_leaves_them_out(
    evaluated, school, school_sender
):
    from datetime import date

    from stepwise.letters.batches.selectors import batch_offer
    from tests.front.conftest import TODAY

    # Aroha and Ben reach 10 days absent in the term's third week, not by its second Monday.
    early = batch_offer(school, date(2026, 10, 19))
    assert early is not None and early.events == [] and early.left_out == []
    now = batch_offer(school, TODAY)
    assert now is not None
    assert [e.student.given_name for e in now.events] == ["Aroha"]
