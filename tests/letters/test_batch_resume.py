"""A batch whose worker stopped mid-way is resumed from the first item still waiting.

The worker is "killed" the way a signal kills it: a KeyboardInterrupt (not an
Exception, so batch_run cannot mark the batch stopped) raised as it starts on Aroha,
after Ben has been skipped. What that leaves in the database is what a killed worker
leaves: the batch running, one item counted, nothing half-written.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from stepwise.audit.models import AuditEvent
from stepwise.letters.batches import services as batch_services
from stepwise.letters.batches.services import Overtaken, batch_resume, batch_run
from stepwise.letters.models import STALLED_AFTER, Letter, LetterBatch
from stepwise.letters.schools import services as school_services
from stepwise.responses.models import ResponseActivity

from .test_batch_run import REASON, run_worker, start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stalled(school, students, evaluated, officer, school_sender, monkeypatch) -> LetterBatch:
    """A school batch of Ben (skipped: no caregiver) and Aroha, its worker killed on Aroha."""
    issue = school_services.school_letter_issue

    def killed_on_aroha(**kwargs):
        if kwargs["student"].given_name == "Aroha":
            raise KeyboardInterrupt  # the worker's process is stopped here
        return issue(**kwargs)

    batch = start(school, officer)
    monkeypatch.setattr(school_services, "school_letter_issue", killed_on_aroha)
    with pytest.raises(KeyboardInterrupt):
        batch_run(batch_pk=batch.pk)
    monkeypatch.setattr(school_services, "school_letter_issue", issue)
    batch.refresh_from_db()
    return batch


def test_a_killed_worker_leaves_the_batch_running_with_nothing_half_sent(stalled):
    assert stalled.status == LetterBatch.Status.RUNNING
    assert (stalled.total, stalled.done, stalled.sent, stalled.skipped) == (1, 0, 0, 0)
    assert not Letter.objects.exists() and not ResponseActivity.objects.exists()
    assert [i.status for i in stalled.items.order_by("position")] == ["pending"]


def test_a_batch_silent_for_five_minutes_is_resumed_from_where_it_stopped(stalled):
    now = timezone.now()
    assert not stalled.resumable(now)  # it might still be working
    with pytest.raises(ValidationError, match="sending or finished"):
        batch_resume(batch=stalled, now=now)
    later = stalled.progressed_at + STALLED_AFTER + timedelta(seconds=1)
    assert stalled.stalled(later) and stalled.resumable(later)

    resumed = batch_resume(batch=stalled, now=later)
    assert resumed.status == LetterBatch.Status.QUEUED and resumed.task_id != ""
    run_worker()
    resumed.refresh_from_db()
    assert resumed.status == LetterBatch.Status.DONE and resumed.attempt == 2
    assert (resumed.total, resumed.done, resumed.sent, resumed.skipped) == (1, 1, 2, 0)
    aroha = resumed.items.get(label="Aroha Ngata")
    assert [letter.recipient_name for letter in aroha.letters.order_by("pk")] == [
        "Hine Ngata",
        "Rawiri Ngata",
    ]
    assert Letter.objects.count() == 2  # nobody written to twice
    with pytest.raises(ValidationError, match="nothing to resume"):
        batch_resume(batch=resumed, now=later)


def test_a_run_overtaken_by_a_resumed_one_sends_nothing_more(stalled):
    later = stalled.progressed_at + STALLED_AFTER + timedelta(seconds=1)
    old_run = LetterBatch.objects.select_related("school", "requested_by").get(pk=stalled.pk)
    batch_resume(batch=stalled, now=later)
    run_worker()  # the new run sends Aroha's letters
    # The old run wakes up and goes on with the item it was on.
    item = old_run.items.get(label="Aroha Ngata")
    with pytest.raises(Overtaken):
        batch_services._send(old_run, item, batch_services._reads(old_run, [item]))
    assert Letter.objects.count() == 2


def test_the_batch_page_offers_to_resume_a_stalled_batch(stalled, login, officer):
    client = login(officer)
    url = reverse("school_letter_batch", args=["NZ-0427", stalled.pk])
    page = client.get(url).content.decode()
    assert "resume-batch" not in page  # still within the five minutes

    # Six minutes on, as the page reads the time: the last item was counted that long ago.
    LetterBatch.objects.filter(pk=stalled.pk).update(
        progressed_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    page = client.get(url).content.decode()
    assert "the worker sending this batch seems to have stopped" in page
    assert "Resume sending: 1 student still waiting" in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    assert LetterBatch.objects.get(pk=stalled.pk).status == LetterBatch.Status.QUEUED
    assert AuditEvent.objects.filter(
        object_type="letter_batch", detail="letter batch resumed at 0"
    ).exists()
    again = client.post(url)  # a second click: queued already
    assert again.status_code == 400
    assert "This batch is sending or finished" in again.content.decode()
    run_worker()
    assert LetterBatch.objects.get(pk=stalled.pk).sent == 2


def test_the_reason_is_kept_on_the_resumed_letters(stalled):
    later = stalled.progressed_at + STALLED_AFTER + timedelta(seconds=1)
    batch_resume(batch=stalled, now=later)
    run_worker()
    assert set(Letter.objects.values_list("reason", flat=True)) == {REASON}
