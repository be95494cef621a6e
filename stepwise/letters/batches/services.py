"""Letter batches: start one (in a request), run it (in the background task worker).

A batch sends one letter to many: a school's first letter to the caregivers of every
student who reached the pack's batch threshold this term, or a service's chosen
letter across the cases it selected. Starting checks the request, records the batch
with one item per student or case, and queues the task in the same transaction, so a
refused request leaves nothing behind. Running sends or skips each item in its own
transaction, so the progress bar moves and a stopped worker leaves no half-sent item.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.cases.models import Case
from stepwise.cases.selectors import service_pack
from stepwise.cases.services import NOTES_MAX
from stepwise.rules.days import long_date
from stepwise.schools.models import School, StudentCaregiver
from stepwise.standings.selectors import current_term
from stepwise.web.names import display_name

from ..cases import services
from ..cases.selectors import case_numbers, not_enrolled_since
from ..models import Letter, LetterBatch, LetterBatchItem
from ..schools import services as school_services
from ..schools.selectors import caregiver_links_of, school_letter_set, term_numbers
from ..selectors import Numbers, Stationery, stationery_for
from ..sending import Figures, Plan, fields_needed
from .selectors import batch_letters, batch_offer, batch_refusal

# Threads that send a batch's items on PostgreSQL (see _in_threads).
THREADS = 2


class BatchSkip(Exception):
    """An item of a batch is not sent, for the reason given."""


class Overtaken(Exception):
    """This run of the batch was resumed by another: it stops, and the item it was on
    is left to the new run (its letters roll back if the new run kept that item first)."""


def _request_errors(*, method: str, reason: str, sent_on: date, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if method not in Letter.Method.values:
        errors["method"] = "Select how the letters will be sent"
    if not reason.strip():
        errors["reason"] = "Say why you are sending these letters"
    elif len(reason) > NOTES_MAX:
        errors["reason"] = f"The reason must be {NOTES_MAX:,} characters or fewer"
    if sent_on > today:
        errors["sent_on"] = "The date on the letters must not be in the future"
    return errors


def _queue(batch: LetterBatch) -> None:
    # Imported here: the task module imports this one.
    from ..tasks import letter_batch_run

    result = letter_batch_run.enqueue(batch.pk)
    LetterBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))
    batch.task_id = str(result.id)


def school_batch_start(
    *,
    school: School,
    by: User,
    sent_on: date,
    method: str,
    reason: str,
    now: datetime | None = None,
) -> LetterBatch:
    """Queue the school's letter 1 to the caregivers of every student over the batch threshold."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pack = school.rules
    letter_set = school_letter_set(school)
    threshold = pack.letters.batch_threshold
    if letter_set is None or not threshold:
        raise ValidationError({"letter": f"The {pack.name} rule pack has no school letter batch"})
    letter = letter_set.letters[0]
    errors = _request_errors(method=method, reason=reason, sent_on=sent_on, today=today)
    term = current_term(school, today)
    if term is not None and "sent_on" not in errors and sent_on < term.start:
        errors["sent_on"] = (
            f"The date on the letters must be on or after {long_date(term.start)}, "
            f"the start of {term.name}"
        )
    offer = batch_offer(school, sent_on if "sent_on" not in errors else today)
    events = offer.events if offer else []
    if offer and not events and offer.left_out and not errors:
        errors["letter"] = (
            f"The ladder refuses letter {letter.step} now to all {len(offer.left_out)} "
            f"student{'' if len(offer.left_out) == 1 else 's'} who reached "
            f"“{pack.threshold(threshold).label}”: there is nobody to write to"
        )
    elif not events and not errors:
        errors["letter"] = (
            f"No student enrolled now has reached “{pack.threshold(threshold).label}” in "
            f"{term.name if term else 'this term'}: there is nobody to write to"
        )
    if errors:
        raise ValidationError(errors)
    batch = LetterBatch(
        organisation=school.organisation,
        school=school,
        kind=LetterBatch.Kind.SCHOOL,
        pack=pack.key,
        letter_key=letter.key,
        title=letter.title,
        threshold=threshold,
        sent_on=sent_on,
        method=method,
        reason=reason.strip(),
        requested_by=by,
        requested_at=now,
        total=len(events),
    )
    return _keep_and_queue(
        batch,
        [
            LetterBatchItem(
                batch=batch,
                position=i,
                student=event.student,
                threshold_event=event,
                label=event.student.full_name,
            )
            for i, event in enumerate(events)
        ],
    )


def service_batch_start(
    *,
    service: Organisation,
    cases: list[Case],
    letter_key: str,
    by: User,
    sent_on: date,
    method: str,
    reason: str,
    now: datetime | None = None,
) -> LetterBatch:
    """Queue one letter across the service's selected cases."""
    now = now or timezone.now()
    errors = _request_errors(
        method=method, reason=reason, sent_on=sent_on, today=timezone.localdate(now)
    )
    pack = service_pack(service)
    letter = next((e for e in batch_letters(pack) if e.key == letter_key), None)
    if letter is None:
        errors["letter"] = "Choose a letter a batch may send"
    if not cases:
        errors["cases"] = "Select at least one case"
    elif any(case.service_id != service.pk for case in cases):
        errors["cases"] = "Select cases of this service only"
    if errors:
        raise ValidationError(errors)
    assert letter is not None
    batch = LetterBatch(
        organisation=service,
        kind=LetterBatch.Kind.SERVICE,
        pack=pack.key,
        letter_key=letter.key,
        title=letter.title,
        sent_on=sent_on,
        method=method,
        reason=reason.strip(),
        requested_by=by,
        requested_at=now,
        total=len(cases),
    )
    return _keep_and_queue(
        batch,
        [
            LetterBatchItem(batch=batch, position=i, case=case, label=case.reference)
            for i, case in enumerate(cases)
        ],
    )


def _keep_and_queue(batch: LetterBatch, items: list[LetterBatchItem]) -> LetterBatch:
    """Keep a requested batch and its items, all or none, then queue it to run."""
    with transaction.atomic():
        batch.save()
        for item in items:
            item.batch = batch  # now saved, so the items take its id
        LetterBatchItem.objects.bulk_create(items)
        _queue(batch)
    return batch


# --- Running ---------------------------------------------------------------------------


def _refusal(plan: Plan) -> str:
    """Return why a batch does not send the plan's letter, or "" when it may."""
    return batch_refusal(plan.verdict)


def _errors(error: ValidationError) -> str:
    return " ".join(m for messages in error.message_dict.values() for m in messages)


@dataclass(frozen=True)
class BatchReads:
    """What a batch reads once for all its items, not once per item."""

    stationery: Stationery | None  # None: read per letter
    numbers: dict[int, Numbers]  # a school's: each student's days missed and possible
    links: dict[int, list[StudentCaregiver]]  # a school's: each student's caregivers


def _reads(batch: LetterBatch, waiting: list[LetterBatchItem]) -> BatchReads:
    stationery = _stationery(batch)
    if batch.school is None:
        return BatchReads(stationery, {}, {})
    pks = [item.student_id for item in waiting if item.student_id]
    return BatchReads(
        stationery,
        term_numbers(batch.school, batch.sent_on, pks)[1],  # type: ignore[arg-type]
        caregiver_links_of(batch.school, pks),  # type: ignore[arg-type]
    )


def _stationery(batch: LetterBatch) -> Stationery | None:
    """Return the stationery all the batch's letters share, or None to read it per letter."""
    by = batch.requested_by
    signed_by = display_name(by)
    if batch.school is not None:
        letter_set = school_letter_set(batch.school)
        if letter_set is None:
            return None
        return school_services.school_stationery(
            batch.school, letter_set.letter(batch.letter_key), signed_by
        )
    found = next(
        (e for e in batch_letters(service_pack(batch.organisation)) if e.key == batch.letter_key),
        None,
    )
    return None if found is None else stationery_for(batch.organisation, found, signed_by)


def _send_school_item(
    batch: LetterBatch,
    item: LetterBatchItem,
    figures: Figures,
    now: datetime,
    stationery: Stationery | None,
    links: list[StudentCaregiver],
) -> None:
    school, student = batch.school, item.student
    assert school is not None and student is not None
    plan = school_services.school_letter_plan(
        school=school,
        student=student,
        letter_key=batch.letter_key,
        today=batch.sent_on,
        by=batch.requested_by,
        stationery=stationery,
        links=links,
    )
    if refused := _refusal(plan):
        raise BatchSkip(refused)
    school_services.school_letter_issue(
        school=school,
        student=student,
        letter_key=batch.letter_key,
        by=batch.requested_by,
        sent_on=batch.sent_on,
        method=batch.method,
        reason=batch.reason,
        figures=figures,
        threshold_event=item.threshold_event,
        now=now,
        plan=plan,
        then=lambda letters: _record(batch, item, letters, ""),
    )


def _send_case_item(
    batch: LetterBatch, item: LetterBatchItem, now: datetime, stationery: Stationery | None
) -> None:
    case = item.case
    assert case is not None
    try:
        plan = services.letter_plan(
            case=case,
            letter_key=batch.letter_key,
            today=batch.sent_on,
            by=batch.requested_by,
            stationery=stationery,
        )
    except ValidationError:
        raise BatchSkip(f"This case's letters have no “{batch.title}”.") from None
    if refused := _refusal(plan):
        raise BatchSkip(refused)
    if "not_enrolled_since" in fields_needed(plan):
        figures = Figures(not_enrolled_since=not_enrolled_since(case))
    else:
        numbers = case_numbers(case, batch.sent_on)
        if numbers.days_missed is None:
            raise BatchSkip(
                "Stepwise has no register for this child this term: send this letter from "
                "the case, with the numbers entered by hand."
            )
        figures = Figures(numbers.days_missed, numbers.days_possible)
    services.letter_issue(
        case=case,
        letter_key=batch.letter_key,
        by=batch.requested_by,
        sent_on=batch.sent_on,
        method=batch.method,
        reason=batch.reason,
        figures=figures,
        now=now,
        plan=plan,
        then=lambda letters: _record(batch, item, letters, ""),
    )


def _record(batch: LetterBatch, item: LetterBatchItem, letters: list[Letter], skip: str) -> None:
    status = LetterBatchItem.Status.SENT if letters else LetterBatchItem.Status.SKIPPED
    # Only a waiting item: if another run of the batch kept it first, this one's
    # letters roll back with this transaction, so nobody is written to twice.
    kept = LetterBatchItem.objects.filter(pk=item.pk, status=LetterBatchItem.Status.PENDING)
    if not kept.update(status=status, reason="" if letters else skip):
        raise Overtaken(f"item {item.position} of batch {batch.pk} was kept by another run")
    item.status, item.reason = status, "" if letters else skip
    if letters:
        item.letters.add(*letters)
    LetterBatch.objects.filter(pk=batch.pk).update(
        done=F("done") + 1,
        sent=F("sent") + len(letters),
        skipped=F("skipped") + (0 if letters else 1),
        progressed_at=timezone.now(),
    )


def _send(batch: LetterBatch, item: LetterBatchItem, reads: BatchReads) -> None:
    """Send or skip one item: its letters and its count are kept in one transaction.

    The letters are composed and rendered before that transaction opens, so while
    one thread renders, another can write. A run that was resumed by another stops.
    """
    if not LetterBatch.objects.filter(pk=batch.pk, attempt=batch.attempt).exists():
        raise Overtaken(f"batch {batch.pk} was resumed: run {batch.attempt} stops")
    try:
        if batch.school is not None:
            found = reads.numbers.get(item.student_id)  # type: ignore[arg-type]
            figures = Figures(
                found.days_missed if found else None, found.days_possible if found else None
            )
            links = reads.links.get(item.student_id, [])  # type: ignore[arg-type]
            _send_school_item(batch, item, figures, timezone.now(), reads.stationery, links)
        else:
            _send_case_item(batch, item, timezone.now(), reads.stationery)
        return
    except BatchSkip as e:
        skip = str(e)
    except ValidationError as e:
        skip = _errors(e)
    with transaction.atomic():
        _record(batch, item, [], skip)


def _in_threads(work: Callable[[LetterBatchItem], None], items: list[LetterBatchItem]) -> None:
    """Run `work` on every item, in THREADS threads on PostgreSQL; raise the first error.

    Typst and the database driver let go of Python's lock while they render and wait,
    so two threads keep a worker busy. SQLite writes one transaction at a time and its
    test database is shared in memory, so there the items go one by one; so they do
    inside a caller's transaction (the demo's loader), which other connections can't see.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for item in items:
            work(item)
        return
    queue = iter(items)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            while not errors:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                work(item)
        except BaseException as e:  # handed to the batch's own thread, raised there
            errors.append(e)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, name=f"letter-batch-{n}") for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def batch_run(*, batch_pk: int) -> LetterBatch | None:
    """Send or skip every item of a queued batch.

    1. Claim the batch (queued → running); a batch already claimed is left alone, so
       a task run twice never sends twice.
    2. For each waiting item, in its own transaction: check the ladder (a refusal is
       skipped with its reasons, never overridden), send, and count it.
    3. Mark the batch finished. (The file to print is joined when it is asked for,
       from the letters as stored: see batches.selectors.print_file.)
    An unexpected error marks the batch stopped, with the error, and is raised again.
    A batch resumed after its worker stopped (batch_resume) goes on from its first
    waiting item, in a new run; an earlier run still going stops at its next item.
    """
    now = timezone.now()
    claimed = LetterBatch.objects.filter(pk=batch_pk, status=LetterBatch.Status.QUEUED).update(
        status=LetterBatch.Status.RUNNING,
        attempt=F("attempt") + 1,
        started_at=Coalesce("started_at", Value(now, output_field=DateTimeField())),
        progressed_at=now,
    )
    if not claimed:
        return None
    batch = LetterBatch.objects.select_related("organisation", "school", "requested_by").get(
        pk=batch_pk
    )
    try:
        waiting = list(
            batch.items.filter(status=LetterBatchItem.Status.PENDING)
            .select_related("student", "case__service", "threshold_event__term")
            .order_by("position")
        )
        reads = _reads(batch, waiting)
        _in_threads(lambda item: _send(batch, item, reads), waiting)
    except Overtaken:
        return None  # the run that resumed the batch finishes it
    except Exception as e:
        LetterBatch.objects.filter(pk=batch.pk, attempt=batch.attempt).update(
            status=LetterBatch.Status.FAILED, finished_at=timezone.now(), error=str(e)[:1000]
        )
        raise
    LetterBatch.objects.filter(pk=batch.pk, attempt=batch.attempt).update(
        status=LetterBatch.Status.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def batch_resume(*, batch: LetterBatch, now: datetime | None = None) -> LetterBatch:
    """Queue again what a stalled or stopped batch has still to send; return the batch.

    Items already sent or skipped stay as they are: each was kept in the transaction
    that wrote its letters, so the new run starts at the first item still waiting.
    """
    now = now or timezone.now()
    if not batch.resumable(now):
        raise ValidationError(
            "This batch is sending or finished: there is nothing to resume"
            if batch.waiting
            else "Every item of this batch has been sent or skipped: there is nothing to resume"
        )
    with transaction.atomic():
        # Only the state the check saw: two people resuming at once queue it once.
        queued = LetterBatch.objects.filter(
            pk=batch.pk, status=batch.status, attempt=batch.attempt
        ).update(status=LetterBatch.Status.QUEUED, finished_at=None, error="")
        if not queued:
            raise ValidationError("This batch was resumed already")
        _queue(batch)
    batch.refresh_from_db()
    return batch
