"""Writes for response activities and the school's Descriptions.

Forms check what a person typed and say what to fix; these functions check again
what must hold whoever calls them (a view, a command, a test), and write nothing
if anything fails.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from stepwise.rules.pack import Pack
from stepwise.schools.models import School, Student, Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import current_term

from .models import Description, ResponseActivity
from .selectors import term_of

TEXT_MAX = 200  # Description.text and ResponseActivity.done_by
NOTES_MAX = 5000
REASON_MAX = 300  # ResponseActivity.change_reason
DATE_LABEL = "Date the response happened"


class ResponseError(ValueError):
    """A response or Description could not be written as asked.

    `field` names the form field at fault, so a view can show the message there.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def descriptions_load_defaults(*, school: School) -> int:
    """Give a school the pack's default Descriptions for every response type it lacks."""
    have = set(school.descriptions.values_list("response_type", flat=True))
    new = [
        Description(school=school, response_type=t.key, text=text, position=i)
        for t in school.rules.response_types
        if t.key not in have
        for i, text in enumerate(t.descriptions)
    ]
    Description.objects.bulk_create(new)
    return len(new)


# --- Response activities ---------------------------------------------------------------


def _check_activity(
    *,
    school: School,
    student: Student,
    event: ThresholdEvent | None,
    response_type: str,
    description: Description | None,
    happened_on: date,
    done_by: str,
    notes: str,
    today: date,
    term: Term | None,
) -> None:
    try:
        school.rules.response_type(response_type)
    except KeyError:
        raise ResponseError("Select the response type", field="response_type") from None
    if description is not None and (
        description.school_id != school.pk
        or description.response_type != response_type
        or description.retired
    ):
        raise ResponseError("Select one of the school’s descriptions", field="description")
    if event is not None and (event.student_id != student.pk or event.term.school_id != school.pk):
        raise ResponseError("Select one of the student’s thresholds", field="event")
    if happened_on > today:
        raise ResponseError(f"{DATE_LABEL} must be today or in the past", field="happened_on")
    if event is not None and happened_on < event.reached_on:
        raise ResponseError(before_threshold(event, school.rules), field="happened_on")
    if term is not None and happened_on < term.start:
        raise ResponseError(
            f"{DATE_LABEL} must be on or after {_day(term.start)}, the start of {term.name}",
            field="happened_on",
        )
    if not done_by.strip():
        raise ResponseError("Enter who did it", field="done_by")
    if len(done_by) > TEXT_MAX:
        raise ResponseError(f"Who did it must be {TEXT_MAX} characters or fewer", field="done_by")
    if len(notes) > NOTES_MAX:
        raise ResponseError(f"Notes must be {NOTES_MAX:,} characters or fewer", field="notes")
    if not student.enrolments.filter(school=school).exists():
        raise ResponseError(f"{student} is not a student of {school.name}")


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def before_threshold(event: ThresholdEvent, pack: Pack) -> str:
    """Return why a response cannot have happened before the threshold it answers."""
    try:
        label = pack.threshold(event.threshold).label
    except KeyError:
        label = event.threshold
    return (
        f"{DATE_LABEL} must be on or after {_day(event.reached_on)}, the day "
        f"{event.student.full_name} reached {label}"
    )


def _too_early(events: list[ThresholdEvent], happened_on: date) -> None:
    """Refuse a date before any of the thresholds it answers, naming every student."""
    early = sorted(
        (e for e in events if happened_on < e.reached_on),
        key=lambda e: (e.reached_on, e.student.family_name, e.student.given_name),
    )
    if len(early) == 1:
        return  # the one student's own check names them and the threshold
    if early:
        named = ", ".join(
            f"{e.student.full_name} reached it on {_day(e.reached_on)}"
            if i == 0
            else f"{e.student.full_name} on {_day(e.reached_on)}"
            for i, e in enumerate(early)
        )
        raise ResponseError(
            f"{DATE_LABEL} must be on or after the day each student reached the threshold: {named}",
            field="happened_on",
        )


def _create_activity(
    *,
    school: School,
    student: Student,
    event: ThresholdEvent | None,
    response_type: str,
    description: Description | None,
    happened_on: date,
    done_by: str,
    notes: str,
    recorded_by: User,
    now: datetime,
    batch: uuid.UUID | None,
) -> ResponseActivity:
    return ResponseActivity.objects.create(
        school=school,
        student=student,
        threshold_event=event,
        response_type=response_type,
        description=description,
        # Copied, so renaming or retiring the Description never rewrites what was recorded.
        description_text=description.text if description else "",
        happened_on=happened_on,
        done_by=done_by.strip(),
        notes=notes.strip(),
        recorded_by=recorded_by,
        recorded_at=now,
        batch=batch,
    )


def response_record(
    *,
    school: School,
    student: Student,
    response_type: str,
    happened_on: date,
    done_by: str,
    recorded_by: User,
    description: Description | None = None,
    notes: str = "",
    threshold_event: ThresholdEvent | None = None,
    now: datetime | None = None,
) -> ResponseActivity:
    """Record something the school did about a student's absence, perhaps at a threshold.

    The checks only read and the record is one INSERT, so it needs no transaction (or
    savepoint) of its own: a refusal leaves the caller's transaction as it was.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    _check_activity(
        school=school,
        student=student,
        event=threshold_event,
        response_type=response_type,
        description=description,
        happened_on=happened_on,
        done_by=done_by,
        notes=notes,
        today=today,
        term=threshold_event.term if threshold_event is not None else current_term(school, today),
    )
    return _create_activity(
        school=school,
        student=student,
        event=threshold_event,
        response_type=response_type,
        description=description,
        happened_on=happened_on,
        done_by=done_by,
        notes=notes,
        recorded_by=recorded_by,
        now=now,
        batch=None,
    )


def response_check_many(
    *,
    school: School,
    threshold_events: list[ThresholdEvent],
    response_type: str,
    happened_on: date,
    done_by: str,
    description: Description | None = None,
    notes: str = "",
    today: date,
) -> None:
    """Raise ResponseError if the same activity may not be recorded at every event.

    Writes nothing: the queue asks before it shows the officer what will be saved.
    """
    if not threshold_events:
        raise ResponseError("Select at least one student", field="events")
    _too_early(threshold_events, happened_on)
    for event in threshold_events:
        _check_activity(
            school=school,
            student=event.student,
            event=event,
            response_type=response_type,
            description=description,
            happened_on=happened_on,
            done_by=done_by,
            notes=notes,
            today=today,
            term=event.term,
        )


@transaction.atomic
def response_record_many(
    *,
    school: School,
    threshold_events: Iterable[ThresholdEvent],
    response_type: str,
    happened_on: date,
    done_by: str,
    recorded_by: User,
    description: Description | None = None,
    notes: str = "",
    now: datetime | None = None,
) -> list[ResponseActivity]:
    """Record the same activity at many threshold events at once (one batch).

    For example a notification sent to thirty families: one activity per event,
    sharing a batch id, all written or none.
    """
    events = list(threshold_events)
    now = now or timezone.now()
    response_check_many(
        school=school,
        threshold_events=events,
        response_type=response_type,
        happened_on=happened_on,
        done_by=done_by,
        description=description,
        notes=notes,
        today=timezone.localdate(now),
    )
    batch = uuid.uuid4()
    return [
        _create_activity(
            school=school,
            student=event.student,
            event=event,
            response_type=response_type,
            description=description,
            happened_on=happened_on,
            done_by=done_by,
            notes=notes,
            recorded_by=recorded_by,
            now=now,
            batch=batch,
        )
        for event in events
    ]


# --- Corrections and withdrawals ---------------------------------------------------------


def _check_replaceable(activity: ResponseActivity, reason: str, what: str) -> str:
    """Return the cleaned reason, or refuse to replace a response that cannot be."""
    if activity.withdrawn or activity.replaced_by is not None:
        raise ResponseError(
            "This response has already been corrected or withdrawn: change the one that stands now"
        )
    # A letter Stepwise sent records its own response (the letters app links it).
    if hasattr(activity, "letter"):
        raise ResponseError(
            "This response records a letter Stepwise sent: it stands with the letter"
        )
    reason = " ".join(reason.split())
    if not reason:
        raise ResponseError(f"Say why the response is {what}", field="reason")
    if len(reason) > REASON_MAX:
        raise ResponseError(f"The reason must be {REASON_MAX} characters or fewer", field="reason")
    return reason


def _replace(activity: ResponseActivity, replacement: ResponseActivity) -> ResponseActivity:
    """Write the record that replaces `activity`, once: a race loses with a clear reason."""
    try:
        with transaction.atomic():
            # Lock the original: two people replacing it at once are taken in turn.
            ResponseActivity.objects.select_for_update().filter(pk=activity.pk).first()
            replacement.save()
    except IntegrityError:
        raise ResponseError(
            "Someone else has just corrected or withdrawn this response: look again"
        ) from None
    return replacement


def response_correct(
    *,
    activity: ResponseActivity,
    by: User,
    response_type: str,
    happened_on: date,
    done_by: str,
    reason: str,
    threshold_event: ThresholdEvent | None,
    description: Description | None = None,
    notes: str = "",
    now: datetime | None = None,
) -> ResponseActivity:
    """Record a correction of a response; the original stays, replaced.

    The correction is checked as a new response would be, and may not move the day it
    happened after the day the school recorded it (a response recorded before it
    happened is withdrawn, then recorded again).
    """
    now = now or timezone.now()
    reason = _check_replaceable(activity, reason, "corrected")
    school, student = activity.school, activity.student
    _check_activity(
        school=school,
        student=student,
        event=threshold_event,
        response_type=response_type,
        description=description,
        happened_on=happened_on,
        done_by=done_by,
        notes=notes,
        today=timezone.localdate(now),
        term=threshold_event.term if threshold_event is not None else term_of(activity),
    )
    recorded_on = timezone.localdate(activity.recorded_at)
    if happened_on > recorded_on:
        raise ResponseError(
            f"{DATE_LABEL} must be on or before {_day(recorded_on)}, the day the response was "
            "recorded: if it happened later, withdraw this one and record it again",
            field="happened_on",
        )
    return _replace(
        activity,
        ResponseActivity(
            school=school,
            student=student,
            threshold_event=threshold_event,
            response_type=response_type,
            description=description,
            description_text=description.text if description else "",
            happened_on=happened_on,
            done_by=done_by.strip(),
            notes=notes.strip(),
            recorded_by=activity.recorded_by,
            recorded_at=activity.recorded_at,
            batch=activity.batch,
            corrects=activity,
            change_reason=reason,
            changed_by=by,
            changed_at=now,
        ),
    )


def response_withdraw(
    *, activity: ResponseActivity, by: User, reason: str, now: datetime | None = None
) -> ResponseActivity:
    """Withdraw a response recorded in error; it stays on record, and answers nothing."""
    reason = _check_replaceable(activity, reason, "withdrawn")
    return _replace(
        activity,
        ResponseActivity(
            school=activity.school,
            student=activity.student,
            threshold_event=activity.threshold_event,
            response_type=activity.response_type,
            description=activity.description,
            description_text=activity.description_text,
            happened_on=activity.happened_on,
            done_by=activity.done_by,
            notes=activity.notes,
            recorded_by=activity.recorded_by,
            recorded_at=activity.recorded_at,
            batch=activity.batch,
            corrects=activity,
            withdrawn=True,
            change_reason=reason,
            changed_by=by,
            changed_at=now or timezone.now(),
        ),
    )


# --- Descriptions ----------------------------------------------------------------------


def _clean_text(school: School, response_type: str, text: str, *, exclude: int | None) -> str:
    text = " ".join(text.split())
    if not text:
        raise ResponseError("Enter the description", field="text")
    if len(text) > TEXT_MAX:
        raise ResponseError(f"Description must be {TEXT_MAX} characters or fewer", field="text")
    same_type = school.descriptions.filter(response_type=response_type)
    if exclude is not None:
        same_type = same_type.exclude(pk=exclude)
    if any(d.casefold() == text.casefold() for d in same_type.values_list("text", flat=True)):
        raise ResponseError(
            "The school already has this description for this response type", field="text"
        )
    return text


@transaction.atomic
def description_add(*, school: School, response_type: str, text: str) -> Description:
    """Add a Description under a response type, after the ones already there."""
    try:
        school.rules.response_type(response_type)
    except KeyError:
        raise ResponseError("Select the response type", field="response_type") from None
    text = _clean_text(school, response_type, text, exclude=None)
    last = school.descriptions.filter(response_type=response_type).aggregate(Max("position"))
    position = 0 if last["position__max"] is None else last["position__max"] + 1
    return Description.objects.create(
        school=school, response_type=response_type, text=text, position=position
    )


@transaction.atomic
def description_rename(*, description: Description, text: str) -> Description:
    """Change a Description's wording; activities already recorded keep theirs."""
    description.text = _clean_text(
        description.school, description.response_type, text, exclude=description.pk
    )
    description.save(update_fields=["text"])
    return description


@transaction.atomic
def description_retire(*, description: Description, retired: bool = True) -> Description:
    """Retire a Description (no longer offered) or bring it back."""
    Description.objects.filter(pk=description.pk).update(retired=retired)
    description.retired = retired
    return description


@transaction.atomic
def description_move(*, description: Description, direction: str) -> Description:
    """Move a Description one place up or down among its response type's Descriptions."""
    if direction not in ("up", "down"):
        raise ResponseError("Choose up or down", field="direction")
    siblings = list(
        Description.objects.select_for_update()
        .filter(school_id=description.school_id, response_type=description.response_type)
        .order_by("position", "id")
    )
    # Renumber first: positions from older data may repeat, which would make a swap a no-op.
    index = next(i for i, d in enumerate(siblings) if d.pk == description.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, d in enumerate(siblings):
        d.position = position
    Description.objects.bulk_update(siblings, ["position"])
    description.position = next(d.position for d in siblings if d.pk == description.pk)
    return description
