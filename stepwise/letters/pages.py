"""What the case and school letter pages share: the issue page, and verified downloads.

Each kind of letter gives the issue page an IssueSide: how to plan, number, draft,
send and audit its letter; the page judges, previews and sends alike for both.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.rules.days import long_date
from stepwise.web.files import download

from .forms import CONFIRM_PREFIX, LetterForm
from .models import Letter
from .selectors import Numbers, sender_phone_missing, sender_setters
from .sending import Draft, Figures, Plan, fields_needed, ladder_day
from .wording import WordingError


def _plain(value: Decimal | None) -> str | None:
    # "29", not "29.0": the figure as the caseworker would write it.
    return None if value is None else f"{value.normalize():f}"


def _figures(form: LetterForm, side: "IssueSide") -> Figures:
    data = form.cleaned_data
    return Figures(
        days_missed=data.get("days_missed"),
        days_possible=data.get("days_possible"),
        # The case's own day when it has one (the form then does not ask for it).
        not_enrolled_since=data.get(
            "not_enrolled_since", side.not_enrolled_since if side.since_fixed else None
        ),
    )


@dataclass(frozen=True)
class IssueSide:
    """What differs between sending a letter from a case and from a school's student page."""

    # The letter's plan, judged by the ladder on a day (the letter's date); ValidationError
    # if the letter is unknown.
    plan: Callable[[frozenset[str], date], Plan]
    # The child's numbers from the register as at a day (the letter's date), to prefill.
    numbers: Callable[[date], Numbers]
    # The day a child not enrolled anywhere left the roll: fixed on the case once its
    # first letter gave it (then nobody changes it on a letter), else a suggestion.
    not_enrolled_since: date | None
    issue: Callable[..., list[Letter]]  # the service that sends it, given the form's values
    drafts: Callable[..., list[Draft]]  # (plan, figures=, inputs=, sent_on=) for the preview
    audit: Callable[[str, str], None]  # (action, detail)
    back_url: str
    caption: str
    sender: Organisation  # whose letter it is: who heads and signs it
    sent_note: str = ""  # added to the message after sending
    recorded_in: str = "the engagement log"  # where the "sent … because …" text goes
    since_fixed: bool = False


def _letter_date(posted: Any, today: date) -> date:
    """Return the date the sender chose for the letter, or today if none (or no real one)."""
    if posted is None:
        return today
    try:
        chosen = forms.DateField().clean(posted.get("sent_on"))
    except ValidationError:
        return today
    return chosen if chosen <= today else today


def _posted_day(posted: Any, name: str) -> date | None:
    try:
        return forms.DateField().clean(posted.get(name)) or None
    except ValidationError:
        return None


def _refigured(posted: Any, numbers: Numbers, on: date) -> Any:
    """Return the posted form with the register's figures as at the letter's date, if the
    figures shown were of another day (the sender changed the date); else None."""
    shown_on = _posted_day(posted, "figures_on")
    if shown_on is None or shown_on == on or numbers.days_missed is None:
        return None
    data = posted.copy()
    data["days_missed"] = _plain(numbers.days_missed)
    data["days_possible"] = _plain(numbers.days_possible)
    data["figures_on"] = on.isoformat()
    return data


def issue_page(request: HttpRequest, side: IssueSide) -> HttpResponse:
    """Show the letter with the ladder's verdict and a preview; send it when confirmed."""
    today = timezone.localdate()
    posted = request.POST if request.method == "POST" else None
    # The ladder's verdict depends on the confirmed preconditions, so read them first.
    confirmed = frozenset(
        name.removeprefix(CONFIRM_PREFIX)
        for name, value in request.POST.items()
        if posted is not None and name.startswith(CONFIRM_PREFIX) and value
    )
    # The page and the send judge the letter alike: by the ladder on the letter's date.
    on = _letter_date(posted, today)
    try:
        plan = side.plan(confirmed, on)
    except ValidationError:
        raise Http404("No such letter here") from None
    side.audit("view", f"letter {plan.letter.step} preview")
    # Every figure in the letter is the register's as at the letter's date.
    numbers = side.numbers(on)
    initial: dict[str, Any] = {
        "sent_on": today,
        "figures_on": on,
        "method": "post",
        "days_missed": _plain(numbers.days_missed),
        "days_possible": _plain(numbers.days_possible),
        "not_enrolled_since": side.not_enrolled_since,
    }
    refigured = _refigured(posted, numbers, on) if posted is not None else None
    posted = refigured if refigured is not None else posted
    form = LetterForm(
        posted,
        initial=initial,
        letter=plan.letter,
        needs=fields_needed(plan),
        refused=not plan.verdict.allowed,
        recorded_in=side.recorded_in,
        when=ladder_day(on, today),
        since_fixed=side.since_fixed,
    )
    valid = form.is_valid() if posted is not None else False
    sending = request.POST.get("action") == "send"
    if valid and sending and refigured is not None and "days_missed" in form.fields:
        # The sender has not seen these figures yet: show them before anything goes.
        form.add_error(
            "days_missed",
            f"The date on the letter changed: these are the figures as at {long_date(on)}. "
            "Check them, then send",
        )
        valid = False
    if valid and sending:
        data = form.cleaned_data
        try:
            sent = side.issue(
                sent_on=data["sent_on"],
                method=data["method"],
                reason=data["reason"],
                figures=_figures(form, side),
                inputs={i.key: data[i.key] for i in plan.letter.inputs},
                confirmed=form.confirmed(),
                override_reason=data.get("override_reason", ""),
            )
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            side.audit("change", f"letter {plan.letter.step} sent ({len(sent)})")
            messages.success(
                request,
                f"Letter {plan.letter.step} sent to "
                + ", ".join(letter.recipient_name for letter in sent)
                + "."
                + side.sent_note,
            )
            return redirect(side.back_url)
    # The preview: the first recipient's letter, with the figures as they stand.
    preview, preview_error = None, ""
    figures = (
        _figures(form, side)
        if valid
        else Figures(numbers.days_missed, numbers.days_possible, side.not_enrolled_since)
    )
    inputs = {
        i.key: (form.cleaned_data.get(i.key) if valid else "") or f"[{i.label.lower()}]"
        for i in plan.letter.inputs
    }
    sent_on = form.cleaned_data["sent_on"] if valid else on
    try:
        drafts = side.drafts(plan, figures=figures, inputs=inputs, sent_on=sent_on)
        preview = drafts[0] if drafts else None
    except WordingError:
        preview_error = "Enter the child's numbers below to see the letter."
    # Without a phone number no letter can go: say so before anything is typed, and who
    # may put it right (with the way there, for them).
    phone_missing = "" if plan.sender.phone else sender_phone_missing(side.sender)
    if phone_missing:
        preview_error = ""
    may_set_sender = request.user.pk in {pk for pk, _ in sender_setters(side.sender)}
    return render(
        request,
        "letters/letter_issue.html",
        {
            "plan": plan,
            "when": form.when,
            "form": form,
            "preview": preview,
            "preview_error": preview_error,
            "numbers": numbers,
            "back_url": side.back_url,
            "caption": side.caption,
            "phone_missing": phone_missing,
            "sender_url": reverse("letter_sender", args=[side.sender.pk])
            if phone_missing and may_set_sender
            else "",
        },
        status=400 if form.errors else 200,
    )


def serve_letter(
    request: HttpRequest, kept: Letter, *, audit: Callable[[str], None], back_url: str
) -> HttpResponse:
    """Answer with a letter's file if it still matches its hash; else say it changed.

    Every download is audited with the hash; a refused one too, as REFUSED.
    """
    content = bytes(kept.pdf)
    found_sha = hashlib.sha256(content).hexdigest()
    if found_sha != kept.sha256:
        # The stored file is not the one that was sent: say so, never serve it as the letter.
        audit(f"letter {kept.pk} REFUSED: hash mismatch")
        return render(
            request,
            "letters/tampered.html",
            {"letter": kept, "found_sha": found_sha, "back_url": back_url},
            status=409,
        )
    audit(f"letter {kept.pk} {kept.sha256}")
    return download(content, kept.content_type, kept.file_name)
