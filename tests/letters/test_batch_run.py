"""A school's batch: letter 1 to every caregiver of students who reached 10 days this term.

Run through the real task backend: starting the batch queues a task in the database
(django_tasks_db), and the test runs the worker (`db_worker --batch`) until the queue
is empty, as `stepwise serve` does in the background.
"""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from stepwise.letters.batches.selectors import ChangedLetter, print_file
from stepwise.letters.batches.services import school_batch_start
from stepwise.letters.models import Letter, LetterBatch
from stepwise.responses.models import ResponseActivity
from stepwise.standings.models import ThresholdEvent
from tests.front.conftest import TODAY

from .conftest import at

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "reached 10 days absent this term"


def run_worker() -> None:
    """Run the database task worker until no task is waiting, then return."""
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )


def start(school, officer, method="hand") -> LetterBatch:
    return school_batch_start(
        school=school, by=officer, sent_on=TODAY, method=method, reason=REASON, now=at(TODAY, 15)
    )


def test_the_batch_writes_to_every_caregiver_of_students_over_ten_days(
    school, students, evaluated, officer, school_sender
):
    batch = start(school, officer)
    assert DBTaskResult.objects.filter(id=batch.task_id, status="READY").exists()
    # Mere (6 days) and Sam (none) have not reached 10 days; Ben has, but with no caregiver
    # recorded the ladder refuses his letter, so the batch leaves him out.
    assert [item.label for item in batch.items.order_by("position")] == ["Aroha Ngata"]
    run_worker()
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.DONE
    assert DBTaskResult.objects.get(id=batch.task_id).status == "SUCCESSFUL"
    assert (batch.total, batch.done, batch.sent, batch.skipped) == (1, 1, 2, 0)
    (aroha,) = batch.items.order_by("position")
    assert aroha.status == "sent"
    letters = list(aroha.letters.order_by("pk"))
    assert [letter.recipient_name for letter in letters] == ["Hine Ngata", "Rawiri Ngata"]
    # Each is the school's response at Aroha's 10-day threshold.
    event = ThresholdEvent.objects.get(student=students["Aroha"], threshold="amp10")
    activities = ResponseActivity.objects.filter(student=students["Aroha"], threshold_event=event)
    assert activities.count() == 2
    assert {a.description_text for a in activities} == {"Sent notification to whānau"}


def test_the_print_file_joins_every_letter_sent_in_order(
    school, students, evaluated, officer, school_sender
):
    batch = start(school, officer)
    run_worker()
    batch.refresh_from_db()
    letters = list(Letter.objects.filter(batch_items__batch=batch).order_by("pk"))
    printed = print_file(batch)
    joined = PdfReader(io.BytesIO(printed.content))
    assert printed.letters == len(letters) == batch.sent == 2
    assert (
        len(joined.pages)
        == printed.pages
        == sum(len(PdfReader(io.BytesIO(bytes(letter.pdf))).pages) for letter in letters)
    )
    text = [page.extract_text() for page in joined.pages]
    assert "Hine Ngata" in text[0] and "Rawiri Ngata" in text[-1]
    assert print_file(batch).content == printed.content  # the same file each time


def test_the_print_file_refuses_a_letter_changed_since_it_was_sent(
    school, students, evaluated, officer, school_sender
):
    batch = start(school, officer)
    run_worker()
    letter = Letter.objects.filter(batch_items__batch=batch).order_by("pk").last()
    # Only a database administrator could do this: Letter.save refuses any change.
    Letter.objects.filter(pk=letter.pk).update(pdf=bytes(letter.pdf) + b"%")
    with pytest.raises(ChangedLetter) as refused:
        print_file(batch)
    assert refused.value.letter.pk == letter.pk
    assert refused.value.found_sha != letter.sha256


def test_a_student_whose_letters_cannot_go_is_skipped_with_the_reason(
    school, students, evaluated, officer, school_sender
):
    batch = start(school, officer, method="post")
    run_worker()
    batch.refresh_from_db()
    assert (batch.sent, batch.skipped) == (0, 1)
    aroha = batch.items.get(student=students["Aroha"])
    assert aroha.status == "skipped"
    assert aroha.reason.startswith("No postal address for Rawiri Ngata")
    assert not Letter.objects.exists() and not ResponseActivity.objects.exists()
