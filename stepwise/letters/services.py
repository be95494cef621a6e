"""Issue a letter on a case: one PDF per caregiver, stored with its hash, logged, followed up.

letter_issue checks everything first and raises ValidationError keyed by field, so a
refused letter leaves the case as it was. A letter the ladder refuses goes only with
a written reason, which is kept with the letter and in the log.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from stepwise.cases.models import Case, LogEntry, Person
from stepwise.cases.services import NOTES_MAX, log_entry_record, task_add
from stepwise.rules.ladder import Verdict, verdict
from stepwise.rules.pack import LetterSet, LetterSpec, Pack

from .models import Letter, WordTemplate
from .render import Addressee, Sender, address_lines, letter_data, long_date, render_pdf
from .selectors import case_letter_set, case_pack, letter_history, recipients, sender_for
from .word import WordTemplateError, render_docx, word_context
from .wording import Composed, WordingError, compose, language_code, needed_fields

METHOD_WORDS = {
    Letter.Method.POST: "post",
    Letter.Method.EMAIL: "email",
    Letter.Method.HAND: "hand delivery",
}


@dataclass(frozen=True)
class Figures:
    """The child's numbers the sender confirmed (prefilled from the register)."""

    days_missed: Decimal | None = None
    days_possible: Decimal | None = None
    not_enrolled_since: date | None = None


@dataclass(frozen=True)
class Draft:
    person: Person
    composed: Composed
    data: dict[str, object]  # what the PDF layout reads
    values: dict[str, str]  # the placeholders' values (a Word template reads them too)


@dataclass(frozen=True)
class Plan:
    """Everything about one letter on one case before it is sent."""

    pack: Pack
    letter_set: LetterSet
    letter: LetterSpec
    verdict: Verdict
    people: list[Person]
    sender: Sender


def _number(value: Decimal) -> str:
    # "8.5" and "30", never "8.50" or "3E+1".
    return f"{value.normalize():f}"


def _school_days(first: date, last: date) -> int:
    # Weekdays only: "about" this many school days, as the letter says.
    days, day = 0, first
    while day <= last:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return days


def letter_values(
    *,
    case: Case,
    pack: Pack,
    person: Person,
    sender: Sender,
    contact_name: str,
    figures: Figures,
    inputs: dict[str, str],
    sent_on: date,
) -> dict[str, str]:
    """Return the values a letter's placeholders are filled with, for one recipient."""
    child = case.people.filter(role=Person.Role.CHILD).first()
    school = next((s.name for s in case.schools.all()), "")
    values = {
        "child": child.given_name if child else "your child",
        "child_full": child.full_name if child else "your child",
        "caregiver": person.full_name,
        "school": school or "school",
        "sender": sender.name,
        "contact_name": contact_name,
        "phone": sender.phone,
        "school_year_days": str(pack.letters.school_days_per_year),
        "reference": case.reference,
        **{k: v.strip() for k, v in inputs.items()},
    }
    if figures.days_missed is not None:
        values["days_missed"] = _number(figures.days_missed)
        if figures.days_possible:
            per_year = round(
                figures.days_missed / figures.days_possible * pack.letters.school_days_per_year
            )
            values["days_possible"] = _number(figures.days_possible)
            values["days_per_year"] = str(per_year)
            values["weeks_per_year"] = str(round(per_year / 5))
    if figures.not_enrolled_since is not None:
        values["not_enrolled_since"] = long_date(figures.not_enrolled_since)
        if figures.days_missed is None:
            values["days_missed"] = str(_school_days(figures.not_enrolled_since, sent_on))
    return values


def letter_plan(
    *, case: Case, letter_key: str, today: date, confirmed: frozenset[str] = frozenset(), by: User
) -> Plan:
    """Return the letter, its verdict, who gets it and who signs it; 404-worthy keys raise."""
    pack = case_pack(case)
    letter_set = case_letter_set(case, pack)
    if letter_set is None:
        raise ValidationError({"letter": f"The {pack.name} rule pack has no letters for this case"})
    try:
        letter = letter_set.letter(letter_key)
    except KeyError:
        raise ValidationError({"letter": "Choose a letter of this case's ladder"}) from None
    people = recipients(case)
    found = verdict(letter_set, letter, letter_history(case, pack, today, confirmed, people))
    signed_by = by.get_full_name() or by.get_username()
    return Plan(pack, letter_set, letter, found, people, sender_for(case.service, signed_by))


def letter_drafts(
    plan: Plan,
    *,
    case: Case,
    by: User,
    figures: Figures,
    inputs: dict[str, str],
    sent_on: date,
) -> list[Draft]:
    """Return each recipient's letter, composed in their language; raise WordingError if short."""
    contact = by.get_full_name() or by.get_username()
    drafts = []
    for person in plan.people:
        values = letter_values(
            case=case,
            pack=plan.pack,
            person=person,
            sender=plan.sender,
            contact_name=contact,
            figures=figures,
            inputs=inputs,
            sent_on=sent_on,
        )
        composed = compose(plan.pack, plan.letter, values, person.preferred_language)
        data = letter_data(
            composed=composed,
            sender=plan.sender,
            addressee=Addressee(person.full_name, address_lines(person.address)),
            sent_on=sent_on,
            reference=case.reference,
            title=plan.letter.title,
        )
        drafts.append(Draft(person, composed, data, values))
    return drafts


MISSING = {
    "phone": "Letters need the sender's phone number: a service manager sets it under "
    "“Change how the service's letters are headed and signed” on the letters page",
    "days_missed": "Enter the days the child missed",
    "days_possible": "Enter the school days so far this term",
    "days_per_year": "Enter the school days so far this term",
    "weeks_per_year": "Enter the school days so far this term",
    "not_enrolled_since": "Enter the day the child was last enrolled",
}


def _because(reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return reason[8:] if reason.lower().startswith("because ") else reason


def _log_text(
    plan: Plan,
    draft: Draft,
    *,
    sent_on: date,
    method: str,
    reason: str,
    override: str,
    sha: str,
    file_format: str,
) -> str:
    person, letter = draft.person, plan.letter
    how = METHOD_WORDS[Letter.Method(method)]
    if method == Letter.Method.EMAIL:
        how += f" to {person.email}"
    about = letter.title.split(": ", 1)[-1]
    lines = [
        f"Letter {letter.step} ({about}) sent to {person.full_name} on {long_date(sent_on)} "
        f"by {how}, because {_because(reason)}."
    ]
    wanted = language_code(person.preferred_language)
    if person.preferred_language and draft.composed.language != wanted:
        lines.append(
            f"Sent in English: there is no '{person.preferred_language}' version of this "
            "letter yet."
        )
    if override:
        lines.append(
            "Sent although the ladder refused it ("
            + " ".join(plan.verdict.reasons)
            + f"). Why: {override.strip()}"
        )
    lines.append(f"SHA-256 of the {file_format.upper()}: {sha}")
    return "\n".join(lines)


def word_template(case: Case, letter: LetterSpec) -> WordTemplate | None:
    """Return the service's newest Word template for the letter, if it uploaded one."""
    return (
        WordTemplate.objects.filter(organisation=case.service_id, letter_key=letter.key)
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def _render(draft: Draft, template: WordTemplate | None, at: datetime) -> tuple[str, bytes]:
    if template is None:
        return Letter.Format.PDF, render_pdf(draft.data, at=at)
    context = word_context(values=draft.values, composed=draft.composed, data=draft.data)
    return Letter.Format.DOCX, render_docx(bytes(template.content), context)


def _happened_at(sent_on: date, now: datetime) -> datetime:
    if sent_on == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(sent_on, time(12)))


def _email(plan: Plan, draft: Draft, pdf: bytes, file_name: str, content_type: str) -> None:
    message = EmailMessage(
        subject=draft.composed.subject,
        body=(
            f"{draft.composed.greeting}\n\nPlease find attached a letter from "
            f"{plan.sender.name}.\n\n{draft.composed.sign_off}\n{plan.sender.signatory}\n"
            f"{plan.sender.name}\n"
        ),
        from_email=plan.sender.email or None,
        to=[draft.person.email],
    )
    message.attach(file_name, pdf, content_type)
    message.send(fail_silently=False)


def letter_issue(
    *,
    case: Case,
    letter_key: str,
    by: User,
    sent_on: date,
    method: str,
    reason: str,
    figures: Figures,
    inputs: dict[str, str] | None = None,
    confirmed: frozenset[str] = frozenset(),
    override_reason: str = "",
    now: datetime | None = None,
) -> list[Letter]:
    """Send one letter to each caregiver with parental responsibility; return the letters.

    1. Check the letter, the method, the reason and the ladder's verdict (a refused
       letter needs `override_reason`).
    2. Compose and render each recipient's PDF; hash it.
    3. In one transaction: log each letter, keep each PDF, email it where the method
       is email, and add one follow-up task made by Stepwise.
    """
    now = now or timezone.now()
    inputs = inputs or {}
    override_reason = override_reason.strip()
    plan = letter_plan(case=case, letter_key=letter_key, today=sent_on, confirmed=confirmed, by=by)
    letter = plan.letter
    errors: dict[str, str] = {}
    if method not in Letter.Method.values:
        errors["method"] = "Select how the letter will be sent"
    if not reason.strip():
        errors["reason"] = "Say why you are sending this letter"
    elif len(reason) > NOTES_MAX:
        errors["reason"] = f"The reason must be {NOTES_MAX:,} characters or fewer"
    if sent_on > timezone.localdate(now):
        errors["sent_on"] = "The date on the letter must not be in the future"
    if not case.is_open:
        errors["letter"] = "This case is closed: reopen it before sending a letter"
    elif not plan.people:
        errors["letter"] = "Record a caregiver with parental responsibility before sending letters"
    if method == Letter.Method.POST:
        no_address = [p.full_name for p in plan.people if not p.address.strip()]
        if no_address:
            errors["method"] = (
                f"No postal address for {', '.join(no_address)}: record one on the case, "
                "or deliver the letter by hand"
            )
    for needed in letter.inputs:
        if not inputs.get(needed.key, "").strip():
            errors[needed.key] = f"Enter {needed.label.lower()}"
    if method == Letter.Method.EMAIL:
        missing = [p.full_name for p in plan.people if not p.email]
        if missing:
            errors["method"] = f"No email address for {', '.join(missing)}: send it by post"
    if not plan.verdict.allowed and not override_reason:
        errors["override_reason"] = "The ladder refuses this letter now. To send it anyway, say why"
    if errors:
        raise ValidationError(errors)
    try:
        drafts = letter_drafts(
            plan, case=case, by=by, figures=figures, inputs=inputs, sent_on=sent_on
        )
    except WordingError as e:
        field = next((f for f in MISSING if f"{{{f}}}" in str(e)), "")
        key = field if field in ("days_missed", "days_possible") else "letter"
        raise ValidationError(
            {key: MISSING.get(field, f"The letter could not be written: {e}")}
        ) from None
    template = word_template(case, letter)
    try:
        rendered = [(draft, *_render(draft, template, now)) for draft in drafts]
    except WordTemplateError as e:
        raise ValidationError({"letter": str(e)}) from None
    refused = " ".join(plan.verdict.reasons) if override_reason else ""
    letters = []
    with transaction.atomic():
        for draft, file_format, pdf in rendered:
            sha = hashlib.sha256(pdf).hexdigest()
            entry = log_entry_record(
                case=case,
                by=by,
                kind=LogEntry.Kind.LETTER,
                happened_at=_happened_at(sent_on, now),
                people=[draft.person],
                notes=_log_text(
                    plan,
                    draft,
                    sent_on=sent_on,
                    method=method,
                    reason=reason,
                    override=override_reason,
                    sha=sha,
                    file_format=file_format,
                ),
                now=now,
            )
            kept = Letter.objects.create(
                case=case,
                person=draft.person,
                pack=plan.pack.key,
                set_key=plan.letter_set.key,
                letter_key=letter.key,
                step=letter.step,
                title=letter.title,
                language=draft.composed.language,
                method=method,
                sent_on=sent_on,
                emailed_to=draft.person.email if method == Letter.Method.EMAIL else "",
                reason=reason.strip(),
                refused_because=refused,
                override_reason=override_reason,
                file_format=file_format,
                pdf=pdf,
                size=len(pdf),
                sha256=sha,
                log_entry=entry,
                issued_by=by,
                issued_at=now,
            )
            if method == Letter.Method.EMAIL:
                try:
                    _email(plan, draft, pdf, kept.file_name, kept.content_type)
                except Exception as e:  # an SMTP server's refusal, or no server at all
                    raise ValidationError(
                        {"method": f"The email to {draft.person.email} could not be sent: {e}"}
                    ) from e
            letters.append(kept)
        task_add(
            case=case,
            title=f"Follow up letter {letter.step} sent {long_date(sent_on)}: try again to "
            "reach the family",
            due_on=sent_on + timedelta(days=plan.pack.letters.follow_up_days),
            by=None,
            now=now,
        )
    return letters


def fields_needed(plan: Plan) -> set[str]:
    """Return the placeholders the plan's letter uses (to ask only for what it needs)."""
    return needed_fields(plan.pack, plan.letter)
