"""Referral readiness: the live checklist, attestations, the referral, and the team's view.

A case's service staff see its checklist and refer it (looked up through
get_case_for_user). A prosecutions team or local authority sees only the referrals
made to it (get_team_referral_for_user): every other case answers 404.
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from stepwise.accounts.access import get_team_for_user
from stepwise.audit.services import audit_list, audit_record
from stepwise.cases.access import get_case_for_user
from stepwise.cases.chronology import chronology
from stepwise.cases.models import Case, Person
from stepwise.cases.views import case_form_page
from stepwise.letters.cases.selectors import letters_due, recipients
from stepwise.readiness.access import get_team_referral_for_user
from stepwise.rules import readiness as rules

from . import services
from .facts import CANNOT_CONTACT, PUT_RIGHT
from .forms import AttestationForm, StatusForm
from .selectors import (
    Readiness,
    case_readiness,
    referrals_for_team,
    returned_referral,
)

STATE_TAGS = {
    rules.MET: ("Met", ""),
    rules.MISSING: ("Missing", "govuk-tag--red"),
    rules.WARNING: ("Warning", "govuk-tag--yellow"),
    rules.STOP: ("Stop", "govuk-tag--purple"),
}


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _audit(request: HttpRequest, case: Case, detail: str) -> None:
    audit_record(
        request=request,
        organisation=case.service,
        action="view",
        object_type="case",
        object_id=case.pk,
        detail=f"{case.reference}: {detail}",
    )


def fix_url(case: Case, result: rules.Result) -> str:
    """Return where a caseworker puts an item right."""
    if result.fix == rules.FIX_LETTERS:
        return reverse("case_letters", args=[case.pk])
    if result.fix == rules.FIX_LOG:
        kind = f"?kind={result.fix_key}" if result.fix_key else ""
        return reverse("log_new", args=[case.pk]) + kind
    if result.fix == rules.FIX_PEOPLE:
        return reverse("person_new", args=[case.pk])
    if result.fix == rules.FIX_ATTEST:
        return reverse("readiness_attest", args=[case.pk, result.fix_key])
    if result.fix == rules.FIX_CERTIFICATES:
        return reverse("case_certificates", args=[case.pk])
    return reverse("case", args=[case.pk]) + ("#tasks" if result.fix == rules.FIX_TASKS else "")


def _rows(case: Case, found: Readiness) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (
            group,
            [
                {
                    "result": r,
                    "tag": STATE_TAGS[r.state],
                    "url": fix_url(case, r) if r.state != rules.MET else "",
                    # Where the record cannot show it, a person may record why instead.
                    "attest_url": reverse("readiness_attest", args=[case.pk, r.item.key])
                    if r.state != rules.MET and r.item.may_attest and r.fix != rules.FIX_ATTEST
                    else "",
                }
                for r in results
            ],
        )
        for group, results in found.groups
    ]


def _context(case: Case) -> dict[str, Any]:
    found = case_readiness(case)
    return {
        "case": case,
        "readiness": found,
        "groups": _rows(case, found),
        "due": letters_due(case, found.pack),
        "recipients": recipients(case),
        "counts": {state: found.count(state) for state in rules.STATES},
    }


@login_required
def case_readiness_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    _audit(request, found, "referral checklist")
    context = _context(found)
    if request.headers.get("HX-Request"):
        # The case page loads its checklist after the page itself.
        return render(request, "readiness/_checklist.html", context)
    return render(request, "readiness/readiness.html", context)


@login_required
def attest(request: HttpRequest, pk: int, item_key: str) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    item = services.attested_item(found, item_key)
    if item is None:
        raise Http404("No such checklist item")
    form = AttestationForm(request.POST or None, case=found, item=item)
    _audit(request, found, f"recording {item.key} for the referral checklist")

    def write(data: dict[str, Any]) -> Any:
        return services.attestation_record(
            case=found,
            by=_me(request),
            item_key=item.key,
            answer=data["answer"],
            happened_on=data["happened_on"],
            note=data["note"],
            evidence=data["evidence"],
        )

    return case_form_page(
        request,
        found,
        form,
        write,
        title="Record for the referral checklist",
        button="Record",
        done="Recorded. The checklist has been updated.",
        back=reverse("case_readiness", args=[found.pk]),
    )


@login_required
def cannot_contact(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    person = get_object_or_404(Person, pk=person_pk, case=found)
    form = AttestationForm(request.POST or None, case=found, item=None)
    _audit(request, found, "recording why a caregiver cannot be contacted")

    def write(data: dict[str, Any]) -> Any:
        return services.attestation_record(
            case=found,
            by=_me(request),
            item_key=CANNOT_CONTACT,
            answer=CANNOT_CONTACT,
            person=person,
            happened_on=data["happened_on"],
            note=data["note"],
            evidence=data["evidence"],
        )

    return case_form_page(
        request,
        found,
        form,
        write,
        title=f"Why {person.full_name} cannot be contacted",
        button="Record",
        done="Recorded. The checklist has been updated.",
        back=reverse("case_readiness", args=[found.pk]),
    )


@login_required
def put_right(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    form = AttestationForm(request.POST or None, case=found, item=None)
    form.fields["note"].label = "What was put right, and where it is on the record"
    _audit(request, found, "recording what was put right after a returned referral")

    def write(data: dict[str, Any]) -> Any:
        return services.attestation_record(
            case=found,
            by=_me(request),
            item_key=PUT_RIGHT,
            answer=PUT_RIGHT,
            happened_on=data["happened_on"],
            note=data["note"],
            evidence=data["evidence"],
        )

    return case_form_page(
        request,
        found,
        form,
        write,
        title="Record what was put right",
        button="Record",
        done="Recorded. The case may be referred again.",
        template="readiness/put_right.html",
        extra={"returned": returned_referral(found)},
        back=reverse("case_readiness", args=[found.pk]),
    )


@login_required
@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    try:
        referral = services.referral_make(case=found, by=_me(request))
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("case_readiness", pk=found.pk)
    messages.success(request, f"Referred to {referral.team}. The team has been told.")
    return redirect("case_readiness", pk=found.pk)


# --- The prosecutions team / local authority ---------------------------------------------


@login_required
def team_referrals(request: HttpRequest, org_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, org_id)
    referrals = list(referrals_for_team(team))
    audit_list(
        request=request,
        organisation=team,
        listing="team_referrals",
        owner=team.pk,
        cases=[r.case_id for r in referrals],
    )
    return render(request, "readiness/team_referrals.html", {"team": team, "referrals": referrals})


@login_required
def team_referral(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_team_referral_for_user(request.user, pk)
    case = referral.case
    audit_record(
        request=request,
        organisation=referral.team,
        action="view",
        object_type="case",
        object_id=case.pk,
        detail=f"{case.reference}: referred case",
    )
    form = StatusForm(request.POST or None, initial={"status": referral.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_status_set(
                referral=referral,
                by=_me(request),
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Status changed. The service can see it.")
            return redirect("team_referral", pk=referral.pk)
    return render(
        request,
        "readiness/team_referral.html",
        {
            "referral": referral,
            "case": case,
            "form": form,
            "changes": referral.changes.select_related("changed_by"),
            "items": chronology(case),
            "people": case.people.all(),
        },
        status=400 if form.errors else 200,
    )
