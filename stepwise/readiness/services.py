"""Writes for a case's referral: attestations, making the referral, and its status.

Each function checks everything first and raises ValidationError keyed by field,
so a refused request leaves the records as they were.
"""

import smtplib
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from stepwise.cases.models import Case, LogEntry, Person, ProsecutionReferral, Task
from stepwise.cases.selectors import case_pack
from stepwise.cases.services import NOTES_MAX, log_entry_record
from stepwise.letters.cases.selectors import case_letter_set, recipients
from stepwise.letters.selectors import sender_for
from stepwise.rules import readiness
from stepwise.rules.pack import Pack
from stepwise.web.names import display_name

from .bundle import BundleError, bundle_zip
from .facts import CANNOT_CONTACT, PUT_RIGHT
from .models import Attestation, ReferralStatusChange
from .selectors import case_readiness, returned_referral

# Statuses the team must explain: the service needs to know why, and what to put right.
NOTE_NEEDED = (ProsecutionReferral.Status.DECLINED, ProsecutionReferral.Status.RETURNED)


def _name(user: User) -> str:
    return display_name(user)


def attested_item(case: Case, key: str) -> readiness.Item | None:
    """Return the case's checklist item a person records, or None."""
    found = readiness.checklist(case_pack(case))
    item = next((i for i in found.items if i.key == key), None) if found else None
    return item if item is not None and item.may_attest else None


def attestation_record(
    *,
    case: Case,
    by: User,
    item_key: str,
    answer: str,
    happened_on: date,
    note: str,
    evidence: LogEntry | None = None,
    person: Person | None = None,
    now: datetime | None = None,
) -> Attestation:
    """Record a person's word on a checklist item, or why a caregiver cannot be contacted."""
    now = now or timezone.now()
    note = note.strip()
    errors: dict[str, str] = {}
    if item_key == CANNOT_CONTACT:
        text = "Why this caregiver cannot be contacted"
        if person is None or person.pk not in {p.pk for p in recipients(case)}:
            errors["person"] = "Choose a caregiver with parental responsibility on this case"
        answer = CANNOT_CONTACT
    elif item_key == PUT_RIGHT:
        returned = returned_referral(case)
        if returned is None:
            raise ValidationError(
                {"item": "No referral of this case was returned: there is nothing to put right"}
            )
        text = f"What was put right after {returned.referral.team} returned the referral"
        answer, person = PUT_RIGHT, None
    else:
        item = attested_item(case, item_key)
        if item is None:
            raise ValidationError({"item": "This case's checklist has no such item to record"})
        chosen = next((a for a in item.answers if a.key == answer), None)
        text = f"{item.text}: {chosen.text}" if chosen else item.text
        if chosen is None:
            errors["answer"] = "Choose one of the answers"
        person = None
    if happened_on > timezone.localdate(now):
        errors["happened_on"] = "The date must not be in the future"
    if not note:
        errors["note"] = "Say who, what and where the evidence is"
    elif len(note) > NOTES_MAX:
        errors["note"] = f"The note must be {NOTES_MAX:,} characters or fewer"
    if evidence is not None and evidence.case_id != case.pk:
        errors["evidence"] = "Choose an entry of this case's log"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = Attestation.objects.create(
            case=case,
            item_key=item_key,
            person=person,
            answer=answer,
            happened_on=happened_on,
            note=note,
            evidence=evidence,
            attested_by=by,
            attested_at=now,
        )
        about = f" ({person.full_name})" if person else ""
        log_entry_record(
            case=case,
            by=by,
            kind=LogEntry.Kind.NOTE,
            happened_at=now,
            notes=f"Recorded for the referral checklist{about}: {text}. {note}",
            now=now,
        )
    return found


def notification_text(case: Case, by: User, team: str) -> str:
    """Return what the team is told: the case reference and the service's contact only.

    "Refusal to engage": "Include a case ID and your contact details, but do not include any case
    information or personally identifying information about the student or caregivers".
    """
    sender = sender_for(case.service, _name(by))
    contact = [f"Contact: {_name(by)}, {sender.name}"]
    contact += [f"Phone: {sender.phone}"] if sender.phone else []
    contact += [f"Email: {sender.email or by.email}"] if (sender.email or by.email) else []
    return "\n".join(
        [
            f"Referral to {team}",
            f"Case reference: {case.reference}",
            *contact,
            "The service asks to meet to discuss this case. The case is open to your team in "
            "Stepwise.",
        ]
    )


def referral_make(*, case: Case, by: User, now: datetime | None = None) -> ProsecutionReferral:
    """Refer the case when its checklist has nothing missing and no stop."""
    now = now or timezone.now()
    with transaction.atomic():
        # One referral at a time: lock the case while checking and writing.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        found = case_readiness(case, timezone.localdate(now))
        if found.checklist is None:
            raise ValidationError({"case": f"The {found.pack.name} rule pack has no referral"})
        if found.route is None:
            raise ValidationError(
                {"case": f"{case.service} has no team to refer to: ask an administrator"}
            )
        if found.referral is not None:
            raise ValidationError({"case": "The case has already been referred"})
        if not found.ready:
            missing = [f"{r.item.text}: {r.reason}" for r in found.blocking]
            if found.returned is not None and found.returned.put_right is None:
                missing.append(
                    f"{found.returned.referral.team} returned the referral: record what was "
                    f"put right of what the team asked for ({found.returned.note})"
                )
            raise ValidationError({"case": f"Not ready to refer. {'; '.join(missing)}"})
        team = found.checklist.team
        bundle, bundle_sha256 = None, ""
        if not found.checklist.notification_only:
            # England: the request to the local authority goes with the bundle, kept as sent.
            try:
                bundle, bundle_sha256 = bundle_zip(case, now)
            except BundleError as error:
                raise ValidationError({"case": str(error)}) from error
        referral = ProsecutionReferral.objects.create(
            case=case,
            checklist=found.checklist.key,
            team=found.route.team,
            notification=notification_text(case, by, team),
            checklist_snapshot=[
                {"item": r.item.key, "text": r.item.text, "state": r.state, "reason": r.reason}
                for r in found.results
            ],
            bundle=bundle,
            bundle_sha256=bundle_sha256,
            made_by=by,
            made_at=now,
        )
        ReferralStatusChange.objects.create(
            referral=referral,
            status=referral.status,
            note="",
            changed_by=by,
            changed_at=now,
        )
        log_entry_record(
            case=case,
            by=by,
            kind=LogEntry.Kind.NOTE,
            happened_at=now,
            notes=f"Referred to {team} ({found.checklist.label}).",
            now=now,
        )
        _letters_due_task(case, found.pack, now)
    # Told once the referral is safely recorded: a mail failure must not undo it, but
    # the caseworker must know the team has not heard.
    if found.route.email:
        try:
            send_mail(
                f"Referral of case {case.reference}",
                referral.notification,
                None,
                [found.route.email],
            )
        except (OSError, smtplib.SMTPException) as error:
            log_entry_record(
                case=case,
                by=by,
                kind=LogEntry.Kind.NOTE,
                happened_at=now,
                notes=f"The referral email to {found.route.email} could not be sent ({error}): "
                "tell the team another way.",
                now=now,
            )
    return referral


def _letters_due_task(case: Case, pack: Pack, now: datetime) -> None:
    letter_set = case_letter_set(case, pack)
    for letter in letter_set.letters if letter_set else ():
        if letter.on_referral:
            Task.objects.create(
                case=case,
                title=f"Send {letter.title.split(':')[0].lower()} to every caregiver: "
                "the case has been referred",
                due_on=timezone.localdate(now),
                assigned_to=case.assigned_to,
                created_by=None,
                created_at=now,
            )


def referral_status_set(
    *,
    referral: ProsecutionReferral,
    by: User,
    status: str,
    note: str = "",
    now: datetime | None = None,
) -> ProsecutionReferral:
    """Move a referral to a new status; declining or returning it needs a note."""
    now = now or timezone.now()
    note = note.strip()
    errors: dict[str, str] = {}
    if status not in ProsecutionReferral.Status.values:
        errors["status"] = "Choose a status"
    elif status == referral.status:
        errors["status"] = f"The referral is already {referral.get_status_display().lower()}"
    if status in NOTE_NEEDED and not note:
        errors["note"] = "Say why, so the service knows what to do next"
    if len(note) > NOTES_MAX:
        errors["note"] = f"The note must be {NOTES_MAX:,} characters or fewer"
    if errors:
        raise ValidationError(errors)
    label = ProsecutionReferral.Status(status).label
    with transaction.atomic():
        moved = ProsecutionReferral.objects.filter(pk=referral.pk, status=referral.status).update(
            status=status
        )
        if not moved:
            raise ValidationError({"status": "Someone else changed the status: look again"})
        ReferralStatusChange.objects.create(
            referral=referral, status=status, note=note, changed_by=by, changed_at=now
        )
        log_entry_record(
            case=referral.case,
            by=by,
            kind=LogEntry.Kind.NOTE,
            happened_at=now,
            notes=f"Referral status: {label}." + (f" {note}" if note else ""),
            now=now,
        )
    referral.refresh_from_db()
    return referral
