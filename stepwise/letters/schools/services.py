"""Issue a school's letter about a student: one PDF per caregiver, each a response activity.

The same ladder, checks, wording, PDF/A and hash as a case's letter (sending.py);
what differs is who gets it (the caregivers the school records, with parental
responsibility, resident or not) and where it is recorded: as the school's response
activity "Sent written communication" (as the guidance on recording responses names
it), under the Description the pack names for the letter, with the "sent … because …"
text in its private notes.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stepwise.responses.services import ResponseError, response_record
from stepwise.rules.ladder import verdict
from stepwise.rules.pack import LetterSpec
from stepwise.schools.models import School, Student, StudentCaregiver
from stepwise.standings.models import ThresholdEvent
from stepwise.web.names import display_name

from ..keeping import letter_keep
from ..models import Letter
from ..selectors import SCHOOL_LETTER_TYPE, Stationery, stationery_for
from ..sending import (
    About,
    Draft,
    Figures,
    Plan,
    drafts_for,
    render_file,
    request_errors,
    sent_text,
    sha256,
    wording_refused,
)
from ..wording import WordingError
from .selectors import (
    caregiver_links,
    caregiver_recipient,
    school_letter_history,
    school_letter_set,
)


def student_about(school: School, student: Student) -> About:
    return About(
        child=student.given_name,
        child_full=student.full_name,
        school=school.name,
        reference=f"{school.code}-{student.national_id}",
    )


def school_letter_plan(
    *,
    school: School,
    student: Student,
    letter_key: str,
    today: date,
    by: User,
    confirmed: frozenset[str] = frozenset(),
    stationery: Stationery | None = None,
    links: list[StudentCaregiver] | None = None,
) -> Plan:
    """Return the school's letter, its verdict for the student, who gets it and who signs it.

    A batch passes the `stationery` it read once for all its letters, and the student's
    caregiver `links` it read for all its students.
    """
    pack = school.rules
    letter_set = school_letter_set(school)
    if letter_set is None:
        raise ValidationError({"letter": f"The {pack.name} rule pack has no school letters"})
    try:
        letter = letter_set.letter(letter_key)
    except KeyError:
        raise ValidationError({"letter": "Choose one of the school's letters"}) from None
    if links is None:
        links = caregiver_links(school, student)
    history = school_letter_history(school, student, today, confirmed, links)
    signed_by = display_name(by)
    return Plan(
        pack,
        letter_set,
        letter,
        verdict(letter_set, letter, history),
        [caregiver_recipient(link) for link in links],
        stationery or school_stationery(school, letter, signed_by),
    )


def school_letter_drafts(
    plan: Plan,
    *,
    school: School,
    student: Student,
    by: User,
    figures: Figures,
    inputs: dict[str, str],
    sent_on: date,
) -> list[Draft]:
    """Return each caregiver's letter, composed in their language; raise WordingError if short."""
    return drafts_for(
        plan,
        about=student_about(school, student),
        contact_name=display_name(by),
        figures=figures,
        inputs=inputs,
        sent_on=sent_on,
    )


def school_stationery(school: School, letter: LetterSpec, signed_by: str) -> Stationery:
    """Return the school's stationery for the letter, with the Description it is recorded
    under (none if the school renamed or retired it)."""
    description = None
    if letter.response_description:
        description = school.descriptions.filter(
            response_type=SCHOOL_LETTER_TYPE,
            retired=False,
            text__iexact=letter.response_description,
        ).first()
    return replace(stationery_for(school.organisation, letter, signed_by), description=description)


def school_letter_issue(
    *,
    school: School,
    student: Student,
    letter_key: str,
    by: User,
    sent_on: date,
    method: str,
    reason: str,
    figures: Figures,
    inputs: dict[str, str] | None = None,
    confirmed: frozenset[str] = frozenset(),
    override_reason: str = "",
    threshold_event: ThresholdEvent | None = None,
    now: datetime | None = None,
    plan: Plan | None = None,
    then: Callable[[list[Letter]], None] | None = None,
) -> list[Letter]:
    """Send the school's letter to each caregiver with parental responsibility; return them.

    1. Check the letter, the method, the reason and the ladder's verdict (a refused
       letter needs `override_reason`).
    2. Compose and render each caregiver's PDF; hash it.
    3. In one transaction: record a response activity for each letter (at
       `threshold_event` when the letter answers one), keep each PDF, email it where
       the method is email, and call `then` with the letters (a batch counts its item).
    """
    now = now or timezone.now()
    inputs = inputs or {}
    override_reason = override_reason.strip()
    if plan is None:
        plan = school_letter_plan(
            school=school,
            student=student,
            letter_key=letter_key,
            today=sent_on,
            by=by,
            confirmed=confirmed,
        )
    errors = request_errors(
        plan,
        method=method,
        reason=reason,
        sent_on=sent_on,
        inputs=inputs,
        override_reason=override_reason,
        today=timezone.localdate(now),
        no_address_hint="add it to the school's caregiver records",
    )
    if not plan.recipients:
        errors["letter"] = (
            f"No caregiver of {student.full_name} with parental responsibility is recorded: "
            "import the school's caregivers first"
        )
    if errors:
        raise ValidationError(errors)
    try:
        drafts = school_letter_drafts(
            plan,
            school=school,
            student=student,
            by=by,
            figures=figures,
            inputs=inputs,
            sent_on=sent_on,
        )
    except WordingError as e:
        raise wording_refused(e, school.organisation) from None
    rendered = [(draft, *render_file(draft, plan.template, now)) for draft in drafts]
    refused = " ".join(plan.verdict.reasons) if override_reason else ""
    letters = []
    with transaction.atomic():
        for draft, file_format, content in rendered:
            sha = sha256(content)
            try:
                activity = response_record(
                    school=school,
                    student=student,
                    response_type=SCHOOL_LETTER_TYPE,
                    description=plan.stationery.description,
                    happened_on=sent_on,
                    done_by=display_name(by),
                    recorded_by=by,
                    notes=sent_text(
                        plan,
                        draft,
                        sent_on=sent_on,
                        method=method,
                        reason=reason,
                        override=override_reason,
                        sha=sha,
                        file_format=file_format,
                    ),
                    threshold_event=threshold_event,
                    now=now,
                )
            except ResponseError as e:
                field = "sent_on" if e.field == "happened_on" else "letter"
                message = str(e).replace("Date the response happened", "The date on the letter")
                raise ValidationError({field: message}) from None
            kept = letter_keep(
                plan,
                draft,
                owner={
                    "school": school,
                    "student": student,
                    "caregiver": draft.recipient.record,
                    "response_activity": activity,
                },
                file_format=file_format,
                content=content,
                sha=sha,
                method=method,
                sent_on=sent_on,
                reason=reason,
                refused_because=refused,
                override_reason=override_reason,
                by=by,
                now=now,
            )
            letters.append(kept)
        if then is not None:
            then(letters)
    return letters
