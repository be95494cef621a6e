"""Writes for an attendance service's cases: every change to a case goes through here.

Each function checks everything first and raises ValidationError keyed by field,
so a refused request leaves the records as they were.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from stepwise.accounts.models import Membership, Organisation
from stepwise.documents.pages import page_count
from stepwise.referrals.models import Referral
from stepwise.referrals.selectors import UNDECIDED
from stepwise.rules.days import long_date
from stepwise.schools.catchments import covers
from stepwise.schools.models import School, Student
from stepwise.web.names import display_name
from stepwise.web.uploads import Kind, Refused, accepted_kind, size_text

from .duplicates import likely_duplicates
from .models import (
    Agency,
    Attachment,
    Case,
    CaseSchool,
    LogEntry,
    Person,
    PersonChange,
    SafetyFlag,
    Task,
)

NOTES_MAX = 20_000
CASE_ROLES = (Membership.Role.CASEWORKER, Membership.Role.SERVICE_MANAGER)
# A new case's first task, made by Stepwise: reach the family within this many days. It is
# done once a contact attempt is logged, by whoever logs it.
FIRST_CONTACT_DAYS = 3
FIRST_CONTACT_TITLE = "First contact with the family"


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    content: bytes
    size: int = 0  # as uploaded, when `content` holds only its first part


def case_workers(service: Organisation) -> QuerySet[User]:
    """Return the users a service's cases may be assigned to."""
    return (
        User.objects.filter(
            memberships__organisation=service, memberships__role__in=CASE_ROLES, is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _check_assignee(service: Organisation, user: User | None, errors: dict[str, str]) -> None:
    if user is not None and not case_workers(service).filter(pk=user.pk).exists():
        errors["assigned_to"] = f"{display_name(user)} is not a caseworker at {service}"


def next_references(service: Organisation, today: date, count: int) -> list[str]:
    """Return the next `count` free references of a service, in order."""
    # References are per service and year: short enough to read out on the phone.
    prefix = f"C{today.year}-"
    number = Case.objects.filter(service=service, reference__startswith=prefix).count() + 1
    found: list[str] = []
    while len(found) < count:
        # A thousand at a time: no query holds more parameters than a database takes.
        wanted = [f"{prefix}{n:05d}" for n in range(number, number + min(1000, count - len(found)))]
        taken = set(
            Case.objects.filter(service=service, reference__in=wanted).values_list(
                "reference", flat=True
            )
        )
        found += [r for r in wanted if r not in taken]
        number += len(wanted)
    return found


def next_reference(service: Organisation, today: date) -> str:
    return next_references(service, today, 1)[0]


def _child_from_student(case: Case, student: Student) -> Person:
    return Person.objects.create(
        case=case,
        role=Person.Role.CHILD,
        given_name=student.given_name,
        family_name=student.family_name,
        birth_date=student.birth_date,
        national_id=student.national_id,
    )


def _caregivers_from_school(case: Case, school: School, student: Student) -> None:
    links = student.caregiver_links.filter(caregiver__school=school).select_related("caregiver")
    Person.objects.bulk_create(
        [
            Person(
                case=case,
                role=Person.Role.CAREGIVER,
                given_name=link.caregiver.given_name,
                family_name=link.caregiver.family_name,
                relationship=link.relationship,
                lives_with_student=link.lives_with_student,
                parental_responsibility=link.parental_responsibility,
                phone=link.caregiver.phone,
                email=link.caregiver.email,
                address=link.caregiver.address,
                preferred_language=link.caregiver.preferred_language,
            )
            for link in links
        ]
    )


def referral_accept(
    *, referral: Referral, by: User, assign_to: User | None = None, now: datetime | None = None
) -> Case:
    """Accept a school's referral: open a case with the child and caregivers the school holds.

    Only from a school in the service's catchment: the case reads the school's record
    of the child, its register and certificates.
    """
    errors: dict[str, str] = {}
    if referral.status not in UNDECIDED:
        errors["decision"] = f"This referral was already {referral.get_status_display().lower()}"
    elif not covers(referral.service, referral.school):
        errors["decision"] = (
            f"{referral.school.name} is not in this service’s catchment: decline the referral, "
            "or ask the administrator of this Stepwise installation to add the school to it"
        )
    _check_assignee(referral.service, assign_to, errors)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # Conditional update: two managers deciding at once cannot both accept.
        decided = Referral.objects.filter(pk=referral.pk, status__in=UNDECIDED).update(
            status=Referral.Status.ACCEPTED, decided_at=now, decided_by=by
        )
        if decided != 1:
            raise ValidationError({"decision": "This referral was decided by someone else"})
        case = Case.objects.create(
            service=referral.service,
            reference=next_reference(referral.service, today),
            reason=referral.reason,
            origin=Case.Origin.REFERRAL,
            referral=referral,
            student=referral.student,
            assigned_to=assign_to,
            summary=referral.summary,
            opened_on=today,
            opened_by=by,
        )
        case_school_add(case=case, name=referral.school.name, school=referral.school)
        _child_from_student(case, referral.student)
        _caregivers_from_school(case, referral.school, referral.student)
        task_add(
            case=case,
            title=FIRST_CONTACT_TITLE,
            due_on=today + timedelta(days=FIRST_CONTACT_DAYS),
            by=None,
            now=now,
        )
        LogEntry.objects.create(
            case=case,
            kind=LogEntry.Kind.NOTE,
            notes=f"Case opened from {referral.school.name}'s referral of "
            f"{timezone.localdate(referral.referred_at):%d %B %Y}.",
            happened_at=now,
            recorded_at=now,
            recorded_by=by,
        )
    referral.refresh_from_db()
    return case


def referral_decline(
    *, referral: Referral, by: User, note: str, waitlist: bool = False, now: datetime | None = None
) -> Referral:
    """Decline a referral with a reason, or put it on the waitlist."""
    note = note.strip()
    allowed = (Referral.Status.SUBMITTED,) if waitlist else UNDECIDED
    if referral.status not in allowed:
        raise ValidationError(
            {"decision": f"This referral is already {referral.get_status_display().lower()}"}
        )
    if not waitlist and not note:
        raise ValidationError({"note": "Enter why the service is declining the referral"})
    if len(note) > NOTES_MAX:
        raise ValidationError({"note": f"The reason must be {NOTES_MAX:,} characters or fewer"})
    status = Referral.Status.WAITLISTED if waitlist else Referral.Status.DECLINED
    decided = Referral.objects.filter(pk=referral.pk, status__in=allowed).update(
        status=status, decision_note=note, decided_at=now or timezone.now(), decided_by=by
    )
    if decided != 1:
        raise ValidationError({"decision": "This referral was decided by someone else"})
    referral.refresh_from_db()
    return referral


def case_open(
    *,
    service: Organisation,
    by: User,
    reason: str,
    given_name: str,
    family_name: str,
    birth_date: date | None,
    national_id: str = "",
    school_name: str = "",
    summary: str = "",
    assign_to: User | None = None,
    today: date | None = None,
) -> Case:
    """Open a case directly, e.g. for a child not enrolled anywhere."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if reason not in Case.Reason.values:
        errors["reason"] = "Select why the case is opened"
    if not given_name.strip():
        errors["given_name"] = "Enter the child's given name"
    if not family_name.strip():
        errors["family_name"] = "Enter the child's family name"
    if birth_date is not None and birth_date > today:
        errors["birth_date"] = "Date of birth must be in the past"
    _check_assignee(service, assign_to, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.create(
            service=service,
            reference=next_reference(service, today),
            reason=reason,
            origin=Case.Origin.DIRECT,
            assigned_to=assign_to,
            summary=summary.strip(),
            opened_on=today,
            opened_by=by,
        )
        Person.objects.create(
            case=case,
            role=Person.Role.CHILD,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            birth_date=birth_date,
            national_id=national_id.strip(),
        )
        if school_name.strip():
            case_school_add(case=case, name=school_name.strip())
    return case


def schools_key(service_pk: int) -> str:
    return f"case-schools:{service_pk}"


def case_school_add(*, case: Case, name: str, school: School | None = None) -> CaseSchool:
    """Record a school involved in a case, and refresh the service's list of schools."""
    found = CaseSchool.objects.create(case=case, name=name, school=school)
    forget_case_schools(case.service)
    return found


def forget_case_schools(service: Organisation) -> None:
    """Drop the service's cached list of its cases' schools, now and once this commits."""
    # Forgotten again after the commit, so no request can keep the old list.
    key = schools_key(service.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def case_assign(*, case: Case, to: User | None, by: User) -> Case:
    """Assign a case to one of the service's caseworkers (or to nobody)."""
    errors: dict[str, str] = {}
    _check_assignee(case.service, to, errors)
    if errors:
        raise ValidationError(errors)
    case.assigned_to = to
    case.save(update_fields=["assigned_to"])
    return case


def case_status_set(
    *, case: Case, status: str, closed_reason: str = "", today: date | None = None
) -> Case:
    """Change a case's status; closing needs a reason, reopening clears it."""
    errors: dict[str, str] = {}
    if status not in Case.Status.values:
        errors["status"] = "Select a status"
    elif status == Case.Status.CLOSED and closed_reason not in Case.ClosedReason.values:
        errors["closed_reason"] = "Select why the case is closed"
    if errors:
        raise ValidationError(errors)
    case.status = status
    closing = status == Case.Status.CLOSED
    case.closed_reason = closed_reason if closing else ""
    case.closed_on = (today or timezone.localdate()) if closing else None
    case.save(update_fields=["status", "closed_reason", "closed_on"])
    return case


def case_pathway_set(*, case: Case, exploring: bool) -> Case:
    """Record whether the family is exploring another education pathway or an exemption."""
    case.exploring_pathway = exploring
    case.save(update_fields=["exploring_pathway"])
    return case


def before_opened(case: Case, what: str) -> str:
    """Return why something of the case may not be dated before the case was opened."""
    # The log and the letters are the case's evidence: nothing in them predates the case.
    # What happened earlier belongs in the summary or the notes of a later entry.
    return (
        f"The case was opened on {long_date(case.opened_on)}: {what} must not be dated "
        "before it. Say what happened earlier in the notes"
    )


def log_entry_record(
    *,
    case: Case,
    by: User | None,
    kind: str,
    happened_at: datetime,
    outcome: str = "",
    support: str = "",
    people: list[Person] | None = None,
    others_involved: str = "",
    notes: str = "",
    corrects: LogEntry | None = None,
    uploads: list[Upload] | None = None,
    now: datetime | None = None,
) -> LogEntry:
    """Append an entry to a case's engagement log; a correction points at what it corrects."""
    now = now or timezone.now()
    people = people or []
    uploads = uploads or []
    notes = notes.strip()
    errors: dict[str, str | list[str]] = {}
    if kind not in LogEntry.Kind.values:
        errors["kind"] = "Select what kind of contact or event this was"
    if outcome not in LogEntry.Outcome.values:
        errors["outcome"] = "Select the outcome"
    if support not in LogEntry.Support.values:
        errors["support"] = "Select what happened about support"
    if happened_at > now + timedelta(minutes=5):
        errors["happened_at"] = "The time it happened must not be in the future"
    elif timezone.localdate(happened_at) < case.opened_on:
        errors["happened_at"] = before_opened(case, "an entry of its log")
    if len(notes) > NOTES_MAX:
        errors["notes"] = f"Notes must be {NOTES_MAX:,} characters or fewer"
    if corrects is not None and corrects.case_id != case.pk:
        errors["corrects"] = "A correction must point at an entry of the same case"
    if corrects is not None and not notes:
        errors["notes"] = "Say what was wrong in the entry you are correcting"
    if any(p.case_id != case.pk for p in people):
        errors["people"] = "Choose people on this case"
    most = settings.UPLOAD_ATTACHMENTS_PER_ENTRY
    if len(uploads) > most:
        errors["attachments"] = f"Attach at most {most} files to one entry"
    kinds: list[Kind] = []
    refused: list[str] = []
    for upload in uploads:
        try:
            kinds.append(_attachment_kind(upload))
        except Refused as why:
            refused.append(str(why))
    if refused:
        errors["attachments"] = refused
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = LogEntry.objects.create(
            case=case,
            kind=kind,
            outcome=outcome,
            support=support,
            others_involved=others_involved.strip(),
            notes=notes,
            happened_at=happened_at,
            recorded_at=now,
            recorded_by=by,
            corrects=corrects,
        )
        entry.people.set(people)
        for upload, found in zip(uploads, kinds, strict=True):
            Attachment.objects.create(
                entry=entry,
                name=upload.name[:200],
                content_type=found.content_type,
                size=len(upload.content),
                sha256=hashlib.sha256(upload.content).hexdigest(),
                content=upload.content,
            )
        if outcome:
            _contact_made(case, happened_at, by, now)
    return entry


def _attachment_kind(upload: Upload) -> Kind:
    if not upload.content:
        raise Refused(f"{upload.name} is empty")
    cap = settings.UPLOAD_ATTACHMENT_MAX_BYTES
    if len(upload.content) > cap:
        # The view reads at most the cap and one byte: the size it was uploaded with.
        size = size_text(upload.size or len(upload.content))
        raise Refused(
            f"{upload.name} was not attached: it is {size}, and a file may be at most "
            f"{size_text(cap)}"
        )
    kind = accepted_kind(upload.name, upload.content)
    most = settings.UPLOAD_PDF_MAX_PAGES
    if kind.content_type == "application/pdf":
        pages = page_count(upload.content)
        # Minutes go into every referral bundle, which must stay quick to build.
        if pages is not None and pages > most:
            raise Refused(
                f"{upload.name} was not attached: it has {pages:,} pages, and an attached PDF "
                f"may have at most {most}. Attach the pages that matter, or split it."
            )
    return kind


def _contact_made(case: Case, at: datetime, by: User | None, now: datetime) -> None:
    # Keep the caseload's "last contact" current without reading the log, move a new
    # case to active once someone has tried to reach the family, and mark Stepwise's
    # first-contact task done: left open, it would go overdue and block the referral.
    Case.objects.filter(pk=case.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at)
    ).update(last_contact_at=at)
    Case.objects.filter(pk=case.pk, status=Case.Status.OPEN).update(status=Case.Status.ACTIVE)
    Task.objects.filter(
        case=case, title=FIRST_CONTACT_TITLE, created_by__isnull=True, done_at__isnull=True
    ).update(done_at=now, done_by=by)
    case.refresh_from_db(fields=["last_contact_at", "status"])


def safety_flag_raise(
    *,
    case: Case,
    by: User,
    kind: str,
    note: str,
    person: Person | None = None,
    address: str = "",
    now: datetime | None = None,
) -> SafetyFlag:
    """Flag a hazard at a home or with a person, for anyone planning a visit."""
    errors: dict[str, str] = {}
    if kind not in SafetyFlag.Kind.values:
        errors["kind"] = "Select the kind of safety concern"
    if not note.strip():
        errors["note"] = "Describe the concern so a colleague can plan around it"
    if person is not None and person.case_id != case.pk:
        errors["person"] = "Choose a person on this case"
    if person is None and not address.strip():
        errors["address"] = "Choose the person or enter the address the concern is about"
    if errors:
        raise ValidationError(errors)
    return SafetyFlag.objects.create(
        case=case,
        person=person,
        address=address.strip(),
        kind=kind,
        note=note.strip(),
        raised_by=by,
        raised_at=now or timezone.now(),
    )


def safety_flag_withdraw(*, flag: SafetyFlag, now: datetime | None = None) -> SafetyFlag:
    """Withdraw a flag that no longer applies; it stays in the case's history."""
    SafetyFlag.objects.filter(pk=flag.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now or timezone.now()
    )
    flag.refresh_from_db()
    return flag


def agency_add(
    *,
    case: Case,
    kind: str,
    name: str,
    contact: str = "",
    leads: bool = False,
    today: date | None = None,
) -> Agency:
    """Record another agency involved with the family; at most one agency leads."""
    errors: dict[str, str] = {}
    if kind not in Agency.Kind.values:
        errors["kind"] = "Select the kind of agency"
    if not name.strip():
        errors["name"] = "Enter the agency's name"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if leads:
            case.agencies.filter(leads=True).update(leads=False)
        return Agency.objects.create(
            case=case,
            kind=kind,
            name=name.strip(),
            contact=contact.strip(),
            leads=leads,
            added_on=today or timezone.localdate(),
        )


def task_add(
    *,
    case: Case,
    title: str,
    due_on: date | None,
    by: User | None,
    assigned_to: User | None = None,
    now: datetime | None = None,
) -> Task:
    """Add a follow-up to a case; by=None for tasks Stepwise makes itself."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter what needs doing"
    if due_on is None:
        errors["due_on"] = "Enter the date it is due"
    _check_assignee(case.service, assigned_to, errors)
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    return Task.objects.create(
        case=case,
        title=title.strip()[:200],
        due_on=due_on,
        assigned_to=assigned_to or case.assigned_to,
        created_by=by,
        created_at=now or timezone.now(),
    )


def task_done(*, task: Task, by: User, now: datetime | None = None) -> Task:
    """Mark a task done; doing it twice changes nothing."""
    Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now or timezone.now(), done_by=by
    )
    task.refresh_from_db()
    return task


# A person's details, as the add and edit forms hold them, with how a change reads.
PERSON_FIELDS = {
    "role": "Role",
    "given_name": "Given name",
    "family_name": "Family name",
    "birth_date": "Date of birth",
    "relationship": "Relationship to the child",
    "lives_with_student": "Lives with the child",
    "parental_responsibility": "Has parental responsibility",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "preferred_language": "Preferred language",
}
REASON_MAX = 300  # PersonChange.reason and Person.end_reason
NOT_IN_FUTURE = "The date must not be in the future"
ADULTS = (Person.Role.CAREGIVER, Person.Role.OTHER_CARER)


def _person_errors(
    role: str,
    given_name: str,
    family_name: str,
    birth_date: date | None,
    today: date,
    roles: tuple[str, ...] = ADULTS,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if role not in roles:
        errors["role"] = "Select who the person is"
    if not given_name.strip():
        errors["given_name"] = "Enter their given name"
    if not family_name.strip():
        errors["family_name"] = "Enter their family name"
    if birth_date is not None and birth_date > today:
        errors["birth_date"] = "Date of birth must be in the past"
    return errors


def _reason(reason: str, errors: dict[str, str], missing: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        errors["reason"] = missing
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX} characters or fewer"
    return reason


def _clean(details: dict[str, object]) -> dict[str, object]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in details.items()}


def person_add(
    *,
    case: Case,
    role: str,
    given_name: str,
    family_name: str,
    duplicate_confirmed: bool = False,
    today: date | None = None,
    **details: object,
) -> Person:
    """Add a caregiver or another adult with day-to-day care to a case.

    Someone who looks like a person already involved (see likely_duplicates) is added
    only once the caseworker confirms they are a different person: a duplicated
    caregiver would get every letter twice.
    """
    birth = details.get("birth_date")
    birth_date = birth if isinstance(birth, date) else None
    today = today or timezone.localdate()
    errors = _person_errors(role, given_name, family_name, birth_date, today)
    if not errors and not duplicate_confirmed:
        found = likely_duplicates(
            case,
            given_name=given_name,
            family_name=family_name,
            birth_date=birth_date,
            phone=str(details.get("phone") or ""),
            email=str(details.get("email") or ""),
        )
        if found:
            errors["duplicate_confirmed"] = (
                f"{' '.join(found)} If this is a different person, tick the box to add them; "
                "if not, change the record of the person already on the case"
            )
    if errors:
        raise ValidationError(errors)
    return Person.objects.create(
        case=case,
        role=role,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        **_clean(details),
    )


def _as_text(value: object) -> str:
    if value is None:
        return "Not known"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def person_update(
    *,
    person: Person,
    by: User,
    reason: str,
    now: datetime | None = None,
    **details: object,
) -> Person:
    """Change a person's record, keeping what each changed field said before, who and why."""
    now = now or timezone.now()
    details = _clean(details)
    unknown = set(details) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not a detail of a person: {', '.join(sorted(unknown))}")
    if person.role == Person.Role.CHILD:
        details.pop("role", None)  # the child stays the child
    after = {name: details.get(name, getattr(person, name)) for name in PERSON_FIELDS}
    errors = _person_errors(
        str(after["role"]),
        str(after["given_name"]),
        str(after["family_name"]),
        after["birth_date"],  # type: ignore[arg-type]
        timezone.localdate(now),
        # The child stays the child, and an adult stays an adult.
        roles=(Person.Role.CHILD,) if person.role == Person.Role.CHILD else ADULTS,
    )
    reason = _reason(reason, errors, "Say why the record changes")
    changed = {
        name: [_as_text(getattr(person, name)), _as_text(value)]
        for name, value in after.items()
        if value != getattr(person, name)
    }
    if not changed and not errors:
        errors["__all__"] = "Nothing has changed: change a detail, or go back to the case"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        PersonChange.objects.create(
            person=person, changes=changed, reason=reason, changed_by=by, changed_at=now
        )
        for name in changed:
            setattr(person, name, after[name])
        person.save(update_fields=list(changed))
    return person


def person_end(
    *, person: Person, by: User, reason: str, on: date, now: datetime | None = None
) -> Person:
    """End a person's involvement with a case: they stay on record, and get no more letters."""
    errors: dict[str, str] = {}
    if person.role == Person.Role.CHILD:
        errors["__all__"] = "The child stays on the case: close the case instead"
    if on > timezone.localdate(now or timezone.now()):
        errors["ended_on"] = NOT_IN_FUTURE
    reason = _reason(reason, errors, "Say why their involvement ends")
    if errors:
        raise ValidationError(errors)
    ended = Person.objects.filter(pk=person.pk, ended_on__isnull=True).update(
        ended_on=on, ended_by=by, end_reason=reason
    )
    if ended != 1:
        raise ValidationError({"__all__": f"{person.full_name}'s involvement has already ended"})
    person.refresh_from_db()
    return person
