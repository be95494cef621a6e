"""Issue a letter on a case: one PDF per caregiver, stored with its hash, logged, followed up.

letter_issue checks everything first and raises ValidationError keyed by field, so a
refused letter leaves the case as it was. A letter the ladder refuses goes only with
a written reason, which is kept with the letter and in the log. When the case has a
Stepwise school, the school is told (notices.py).
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stepwise.cases.duplicates import same_person_twice
from stepwise.cases.models import Case, LogEntry, Person
from stepwise.cases.selectors import case_pack
from stepwise.cases.services import before_opened, log_entry_record, task_add
from stepwise.rules.days import long_date
from stepwise.rules.ladder import verdict
from stepwise.web.names import display_name

from ..keeping import letter_keep
from ..models import Letter
from ..notices import school_notice_record
from ..selectors import Stationery, stationery_for
from ..sending import (
    About,
    Draft,
    Figures,
    Plan,
    Recipient,
    drafts_for,
    fields_needed,
    happened_at,
    render_file,
    request_errors,
    sent_text,
    sha256,
    wording_refused,
)
from ..wording import WordingError
from .selectors import case_letter_set, letter_history, recipients

__all__ = ["Figures", "Plan", "fields_needed", "letter_drafts", "letter_issue", "letter_plan"]


def person_recipient(person: Person) -> Recipient:
    return Recipient(
        key=str(person.pk),
        name=person.full_name,
        address=person.address,
        email=person.email,
        preferred_language=person.preferred_language,
        lives_with_child=person.lives_with_student,
        record=person,
    )


def case_about(case: Case) -> About:
    child = case.people.filter(role=Person.Role.CHILD).first()
    school = next((s.name for s in case.schools.all()), "")
    return About(
        child=child.given_name if child else "your child",
        child_full=child.full_name if child else "your child",
        school=school,
        reference=case.reference,
    )


def letter_plan(
    *,
    case: Case,
    letter_key: str,
    today: date,
    confirmed: frozenset[str] = frozenset(),
    by: User,
    stationery: Stationery | None = None,
) -> Plan:
    """Return the letter, its verdict, who gets it and who signs it; unknown keys raise.

    A batch passes the `stationery` it read once for all its letters.
    """
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
    signed_by = display_name(by)
    return Plan(
        pack,
        letter_set,
        letter,
        found,
        [person_recipient(p) for p in people],
        stationery or stationery_for(case.service, letter, signed_by),
    )


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
    return drafts_for(
        plan,
        about=case_about(case),
        contact_name=display_name(by),
        figures=figures,
        inputs=inputs,
        sent_on=sent_on,
    )


def _case_since(case: Case, plan: Plan, figures: Figures) -> tuple[Figures, str]:
    """Return the figures with the case's not-enrolled day, or why the given one is refused."""
    fixed = case.not_enrolled_since
    if fixed is None or "not_enrolled_since" not in fields_needed(plan):
        return figures, ""
    if figures.not_enrolled_since not in (None, fixed):
        return figures, (
            f"This case records the child as not enrolled at a school since {long_date(fixed)}: "
            "every letter of the case gives that day"
        )
    return replace(figures, not_enrolled_since=fixed), ""


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
    plan: Plan | None = None,
    then: Callable[[list[Letter]], None] | None = None,
) -> list[Letter]:
    """Send one letter to each caregiver with parental responsibility; return the letters.

    1. Check the letter, the method, the reason and the ladder's verdict (a refused
       letter needs `override_reason`).
    2. Compose and render each recipient's PDF; hash it.
    3. In one transaction: log each letter, keep each PDF, email it where the method
       is email, add one follow-up task made by Stepwise, tell the case's school, and
       call `then` with the letters (a batch counts its item).
    """
    now = now or timezone.now()
    inputs = inputs or {}
    override_reason = override_reason.strip()
    if plan is None:
        plan = letter_plan(
            case=case, letter_key=letter_key, today=sent_on, confirmed=confirmed, by=by
        )
    letter = plan.letter
    errors = request_errors(
        plan,
        method=method,
        reason=reason,
        sent_on=sent_on,
        inputs=inputs,
        override_reason=override_reason,
        today=timezone.localdate(now),
        no_address_hint="record one on the case",
    )
    if sent_on < case.opened_on:
        errors["sent_on"] = before_opened(case, "a letter")
    figures, since_error = _case_since(case, plan, figures)
    if since_error:
        errors["not_enrolled_since"] = since_error
    twice = same_person_twice([r.record for r in plan.recipients])
    if not case.is_open:
        errors["letter"] = "This case is closed: reopen it before sending a letter"
    elif not plan.recipients:
        errors["letter"] = "Record a caregiver with parental responsibility before sending letters"
    elif twice:
        errors["letter"] = (
            f"{', '.join(twice)} is on the case twice: end the involvement of the duplicate "
            "record, or record each one's date of birth if they are two people, before sending"
        )
    if errors:
        raise ValidationError(errors)
    try:
        drafts = letter_drafts(
            plan, case=case, by=by, figures=figures, inputs=inputs, sent_on=sent_on
        )
    except WordingError as e:
        raise wording_refused(e, case.service) from None
    rendered = [(draft, *render_file(draft, plan.template, now)) for draft in drafts]
    refused = " ".join(plan.verdict.reasons) if override_reason else ""
    letters = []
    with transaction.atomic():
        if case.not_enrolled_since is None and "not_enrolled_since" in fields_needed(plan):
            # The first letter fixes the day on the case; every later one gives it.
            Case.objects.filter(pk=case.pk, not_enrolled_since__isnull=True).update(
                not_enrolled_since=figures.not_enrolled_since
            )
            case.not_enrolled_since = figures.not_enrolled_since
        for draft, file_format, content in rendered:
            sha = sha256(content)
            entry = log_entry_record(
                case=case,
                by=by,
                kind=LogEntry.Kind.LETTER,
                happened_at=happened_at(sent_on, now),
                people=[draft.recipient.record],
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
                now=now,
            )
            kept = letter_keep(
                plan,
                draft,
                owner={"case": case, "person": draft.recipient.record, "log_entry": entry},
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
        task_add(
            case=case,
            title=f"Follow up letter {letter.step} sent {long_date(sent_on)}: try again to "
            "reach the family",
            due_on=sent_on + timedelta(days=plan.pack.letters.follow_up_days),
            by=None,
            now=now,
        )
        school_notice_record(case=case, plan=plan, sent_on=sent_on, method=method, now=now)
        if then is not None:
            then(letters)
    return letters
