"""A case's letters: the ladder with reasons, preview and confirm, and verified downloads.

Cases are looked up through stepwise.cases.access (members of the service only;
anyone else gets 404). Viewing the letters, sending and downloading are audited.
"""

from functools import partial
from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.access import is_service_manager
from stepwise.audit.services import audit_record
from stepwise.cases.access import get_case_for_user
from stepwise.cases.duplicates import same_person_twice
from stepwise.cases.models import Case
from stepwise.cases.selectors import with_schools

from ..models import Letter
from ..pages import IssueSide, issue_page, serve_letter
from . import services
from .selectors import (
    case_ladder,
    case_numbers,
    letters_due,
    not_enrolled_since,
    not_recipients,
    recipients,
    sent_letters,
)
from .services import letter_drafts, letter_plan


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _audit(request: HttpRequest, case: Case, action: str, detail: str) -> None:
    audit_record(
        request=request,
        organisation=case.service,
        action=action,
        object_type="case",
        object_id=case.pk,
        detail=f"{case.reference}: {detail}",
    )


@login_required
def case_letters(request: HttpRequest, pk: int) -> HttpResponse:
    found = with_schools(get_case_for_user(request.user, pk))
    _audit(request, found, "view", "letters")
    today = timezone.localdate()
    ladder = case_ladder(found, today)
    return render(
        request,
        "letters/case_letters.html",
        {
            "case": found,
            "ladder": ladder,
            "ladder_caption": "The letters of the ladder and whether each may be sent now",
            "due": letters_due(found, ladder.pack),
            "letters": sent_letters(found),
            "left_out": not_recipients(found),
            "twice": same_person_twice(recipients(found)),
            "manager": is_service_manager(request.user, found.service),
        },
    )


@login_required
def letter_issue(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    found = with_schools(get_case_for_user(request.user, pk))
    me = _me(request)
    return issue_page(
        request,
        IssueSide(
            plan=lambda confirmed, on: letter_plan(
                case=found, letter_key=key, today=on, confirmed=confirmed, by=me
            ),
            numbers=partial(case_numbers, found),
            not_enrolled_since=not_enrolled_since(found),
            since_fixed=found.not_enrolled_since is not None,
            issue=partial(services.letter_issue, case=found, letter_key=key, by=me),
            drafts=partial(letter_drafts, case=found, by=me),
            audit=lambda action, detail: _audit(request, found, action, detail),
            back_url=reverse("case_letters", args=[found.pk]),
            caption=f"Case {found.reference}",
            sender=found.service,
            sent_note=" A follow-up task was added.",
        ),
    )


@login_required
def letter_download(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    kept = get_object_or_404(
        Letter.objects.select_related("case", "person"), pk=letter_pk, case=found
    )
    return serve_letter(
        request,
        kept,
        audit=lambda detail: _audit(request, found, "download", detail),
        back_url=reverse("case_letters", args=[found.pk]),
    )
