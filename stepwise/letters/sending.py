"""What every letter goes through, from a case or from a school: its values, checks, file, email.

A case's letters (cases/services.py) and a school's (schools/services.py) differ in who
they are about, who gets them and where they are recorded; everything here is the
same for both, so a rule about a letter is written once.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.cases.services import NOTES_MAX
from stepwise.rules.days import long_date
from stepwise.rules.ladder import Verdict
from stepwise.rules.pack import LetterSet, LetterSpec, Pack
from stepwise.rules.school_days import school_days_between

from .models import Letter, WordTemplate
from .render import Addressee, Sender, address_lines, letter_data, render_pdf
from .selectors import Stationery, sender_phone_missing
from .word.filling import WordTemplateError, render_docx, word_context
from .wording import Composed, WordingError, compose, language_code, needed_fields

METHOD_WORDS = {
    Letter.Method.POST: "post",
    Letter.Method.EMAIL: "email",
    Letter.Method.HAND: "hand delivery",
}

# What to ask for when a letter's words need a value nobody gave (the sender's phone number:
# selectors.sender_phone_missing, which says who may set it).
MISSING = {
    "days_missed": "Enter the days the child missed",
    "days_possible": "Enter the school days so far this term",
    "days_per_year": "Enter the school days so far this term",
    "weeks_per_year": "Enter the school days so far this term",
    "not_enrolled_since": "Enter the day the child was last enrolled",
}


@dataclass(frozen=True)
class Figures:
    """The child's numbers the sender confirmed (prefilled from the register)."""

    days_missed: Decimal | None = None
    days_possible: Decimal | None = None
    not_enrolled_since: date | None = None


@dataclass(frozen=True)
class Recipient:
    """Who gets a letter, whoever records them: a case's person or a school's caregiver."""

    key: str  # the ladder's key: the Person's or the Caregiver's id
    name: str
    address: str
    email: str
    preferred_language: str
    lives_with_child: bool | None
    record: Any  # the Person or Caregiver the Letter will point at


@dataclass(frozen=True)
class Draft:
    recipient: Recipient
    composed: Composed
    data: dict[str, object]  # what the PDF layout reads
    values: dict[str, str]  # the placeholders' values (a Word template reads them too)


@dataclass(frozen=True)
class Plan:
    """Everything about one letter before it is sent: the rung, the verdict, who, who signs."""

    pack: Pack
    letter_set: LetterSet
    letter: LetterSpec
    verdict: Verdict
    recipients: list[Recipient]
    stationery: Stationery

    @property
    def sender(self) -> Sender:
        return self.stationery.sender

    @property
    def template(self) -> WordTemplate | None:
        return self.stationery.template


@dataclass(frozen=True)
class About:
    """Who and what the letter is about, as its words name them."""

    child: str
    child_full: str
    school: str
    reference: str


def _number(value: Decimal) -> str:
    # "8.5" and "30", never "8.50" or "3E+1".
    return f"{value.normalize():f}"


def values_for(
    *,
    about: About,
    pack: Pack,
    recipient: Recipient,
    sender: Sender,
    contact_name: str,
    figures: Figures,
    inputs: dict[str, str],
    sent_on: date,
) -> dict[str, str]:
    """Return the values a letter's placeholders are filled with, for one recipient."""
    values = {
        "child": about.child,
        "child_full": about.child_full,
        "caregiver": recipient.name,
        "school": about.school or "school",
        "sender": sender.name,
        "contact_name": contact_name,
        "phone": sender.phone,
        "school_year_days": str(pack.letters.school_days_per_year),
        "reference": about.reference,
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
        # The school days the child missed up to the letter's date, by the jurisdiction's
        # calendar: term breaks and public holidays are no days missed.
        missed = school_days_between(pack, figures.not_enrolled_since, sent_on)
        if figures.days_missed is None and missed is not None:
            values["days_missed"] = str(missed)
    return values


def drafts_for(
    plan: Plan,
    *,
    about: About,
    contact_name: str,
    figures: Figures,
    inputs: dict[str, str],
    sent_on: date,
) -> list[Draft]:
    """Return each recipient's letter, composed in their language; raise WordingError if short."""
    drafts = []
    for recipient in plan.recipients:
        values = values_for(
            about=about,
            pack=plan.pack,
            recipient=recipient,
            sender=plan.sender,
            contact_name=contact_name,
            figures=figures,
            inputs=inputs,
            sent_on=sent_on,
        )
        composed = compose(plan.pack, plan.letter, values, recipient.preferred_language)
        data = letter_data(
            composed=composed,
            sender=plan.sender,
            addressee=Addressee(recipient.name, address_lines(recipient.address)),
            sent_on=sent_on,
            reference=about.reference,
            title=plan.letter.title,
        )
        drafts.append(Draft(recipient, composed, data, values))
    return drafts


def ladder_day(day: date, today: date) -> str:
    """Return when the ladder judged a letter, as a page says it: "now" or "on 3 May 2026"."""
    return "now" if day == today else f"on {long_date(day)}"


def request_errors(
    plan: Plan,
    *,
    method: str,
    reason: str,
    sent_on: date,
    inputs: dict[str, str],
    override_reason: str,
    today: date,
    no_address_hint: str,
) -> dict[str, str]:
    """Return what is wrong with a request to send the plan's letter, by form field."""
    errors: dict[str, str] = {}
    if method not in Letter.Method.values:
        errors["method"] = "Select how the letter will be sent"
    if not reason.strip():
        errors["reason"] = "Say why you are sending this letter"
    elif len(reason) > NOTES_MAX:
        errors["reason"] = f"The reason must be {NOTES_MAX:,} characters or fewer"
    if sent_on > today:
        errors["sent_on"] = "The date on the letter must not be in the future"
    if method == Letter.Method.POST:
        no_address = [r.name for r in plan.recipients if not r.address.strip()]
        if no_address:
            errors["method"] = (
                f"No postal address for {', '.join(no_address)}: {no_address_hint}, "
                "or deliver the letter by hand"
            )
    for needed in plan.letter.inputs:
        if not inputs.get(needed.key, "").strip():
            errors[needed.key] = f"Enter {needed.label.lower()}"
    if method == Letter.Method.EMAIL:
        missing = [r.name for r in plan.recipients if not r.email]
        if missing:
            errors["method"] = f"No email address for {', '.join(missing)}: send it by post"
    if not plan.verdict.allowed and not override_reason.strip():
        errors["override_reason"] = (
            f"The ladder refuses this letter {ladder_day(sent_on, today)}: "
            f"{' '.join(plan.verdict.reasons)} To send it anyway, say why"
        )
    return errors


def wording_refused(error: WordingError, sender: Organisation) -> ValidationError:
    """Return the error to show when a letter's words lack a value, on the field to fix."""
    if "{phone}" in str(error):
        return ValidationError({"letter": sender_phone_missing(sender)})
    field = next((f for f in MISSING if f"{{{f}}}" in str(error)), "")
    key = field if field in ("days_missed", "days_possible") else "letter"
    return ValidationError({key: MISSING.get(field, f"The letter could not be written: {error}")})


def render_file(draft: Draft, template: WordTemplate | None, at: datetime) -> tuple[str, bytes]:
    """Return the file format and bytes of one letter: PDF/A, or DOCX from a Word template.

    Raise ValidationError, saying why, when the organisation's Word template fails.
    """
    if template is None:
        return Letter.Format.PDF, render_pdf(draft.data, at=at)
    context = word_context(values=draft.values, composed=draft.composed, data=draft.data)
    try:
        return Letter.Format.DOCX, render_docx(bytes(template.content), context)
    except WordTemplateError as e:
        raise ValidationError(
            {
                "letter": f"Your Word template for this letter could not be filled: {e}. "
                "Replace it, or remove it to send the built-in letter, on the Word templates "
                "page."
            }
        ) from None


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def happened_at(sent_on: date, now: datetime) -> datetime:
    if sent_on == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(sent_on, time(12)))


def because(reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return reason[8:] if reason.lower().startswith("because ") else reason


def sent_text(
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
    """Return the record of one letter: "Letter N (…) sent to whom, when, how, because …"."""
    recipient, letter = draft.recipient, plan.letter
    how = METHOD_WORDS[Letter.Method(method)]
    if method == Letter.Method.EMAIL:
        how += f" to {recipient.email}"
    subject = letter.title.split(": ", 1)[-1]
    lines = [
        f"Letter {letter.step} ({subject}) sent to {recipient.name} on {long_date(sent_on)} "
        f"by {how}, because {because(reason)}."
    ]
    wanted = language_code(recipient.preferred_language)
    if recipient.preferred_language and draft.composed.language != wanted:
        lines.append(
            f"Sent in English: there is no '{recipient.preferred_language}' version of this "
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


def email_letter(
    plan: Plan, draft: Draft, content: bytes, file_name: str, content_type: str
) -> None:
    """Email one letter to its recipient; raise ValidationError on the method if it fails."""
    message = EmailMessage(
        subject=draft.composed.subject,
        body=(
            f"{draft.composed.greeting}\n\nPlease find attached a letter from "
            f"{plan.sender.name}.\n\n{draft.composed.sign_off}\n{plan.sender.signatory}\n"
            f"{plan.sender.name}\n"
        ),
        from_email=plan.sender.email or None,
        to=[draft.recipient.email],
    )
    message.attach(file_name, content, content_type)
    try:
        message.send(fail_silently=False)
    except Exception as e:  # an SMTP server's refusal, or no server at all
        raise ValidationError(
            {"method": f"The email to {draft.recipient.email} could not be sent: {e}"}
        ) from e


def fields_needed(plan: Plan) -> set[str]:
    """Return the placeholders the plan's letter uses (to ask only for what it needs)."""
    return needed_fields(plan.pack, plan.letter)
