"""An attendance service's case work: triage, caseloads, and the forms of a case.

Services and cases are looked up through stepwise.cases.access: members of the
service see its cases; anyone else gets 404. Reading a case is audited.
"""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from stepwise.accounts.access import get_service_for_user, manages_service, require_service_manager
from stepwise.audit.services import audit_list, audit_record
from stepwise.cases.access import get_case_for_user
from stepwise.referrals.access import get_referral_for_user
from stepwise.web.csvfiles import yes_no
from stepwise.web.files import download
from stepwise.web.names import display_name
from stepwise.web.paging import paginate
from stepwise.web.uploads import served_type

from . import services
from .choices import reason_choices
from .chronology import chronology
from .forms import (
    AgencyForm,
    AssignForm,
    CaseOpenForm,
    DecisionForm,
    PersonEditForm,
    PersonEndForm,
    PersonForm,
    SafetyFlagForm,
    StatusForm,
    TaskForm,
)
from .models import Attachment, Case, Person, SafetyFlag, Task
from .selectors import (
    CaseloadFilter,
    case_pack,
    caseload,
    caseload_counts,
    caseload_rows,
    caseload_schools,
    my_tasks,
    person_history,
    service_engagement_rule,
    service_pack,
    transferred_for_review,
)
from .transfers import TransferForm, import_transfers

CASES_PER_PAGE = 50


def _me(request: HttpRequest) -> User:
    # Every view here is login_required: the user is a real one.
    return cast(User, request.user)


def audit_case(request: HttpRequest, case: Case, action: str = "view", detail: str = "") -> None:
    """Record that the user looked at (or acted on) the case: every read of it is audited."""
    audit_record(
        request=request,
        organisation=case.service,
        action=action,
        object_type="case",
        object_id=case.pk,
        detail=detail or case.reference,
    )


def _apply(form: forms.Form, write: Callable[[], Any]) -> Any:
    """Run a service write; put its ValidationErrors on the form's fields. None if refused."""
    try:
        return write()
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return None


# --- Triage ----------------------------------------------------------------------------


@login_required
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    service = get_service_for_user(request.user, referral.service_id)
    require_service_manager(request.user, service)
    form = DecisionForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        if decision == "accept":
            case = _apply(
                form,
                lambda: services.referral_accept(
                    referral=referral, by=_me(request), assign_to=form.cleaned_data["assign_to"]
                ),
            )
            if case is not None:
                messages.success(request, f"Referral accepted: case {case.reference} is open.")
                return redirect("case", pk=case.pk)
        elif _apply(
            form,
            lambda: services.referral_decline(
                referral=referral, by=_me(request), note=note, waitlist=decision == "waitlist"
            ),
        ):
            messages.success(
                request,
                f"{referral.student.full_name}'s referral is "
                f"{referral.get_status_display().lower()}.",
            )
            return redirect("service_inbox", org_id=service.pk)
    return render(
        request,
        "cases/referral_decide.html",
        {"referral": referral, "service": service, "form": form},
        status=400 if form.errors else 200,
    )


# --- Caseloads ---------------------------------------------------------------------------


def _caseload_filter(request: HttpRequest) -> CaseloadFilter:
    q = request.GET
    assigned = q.get("assigned", "")
    return CaseloadFilter(
        mine=q.get("view", "mine") != "team",
        status=q.get("status", "") if q.get("status") in Case.Status.values else "",
        reason=q.get("reason", "") if q.get("reason") in Case.Reason.values else "",
        school=q.get("school", ""),
        no_contact=q.get("no_contact") == "1",
        assigned_to=int(assigned) if assigned.isdigit() else None,
    )


@login_required
def cases(request: HttpRequest, org_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, org_id)
    manager = manages_service(request, service)
    chosen = _caseload_filter(request)
    rule = service_engagement_rule(service)
    paging = paginate(request, caseload(service, _me(request), chosen, rule=rule), CASES_PER_PAGE)
    paging["page"].object_list = caseload_rows(paging["page"].object_list, service_pack(service))
    audit_list(
        request=request,
        organisation=service,
        listing="cases",
        owner=service.pk,
        cases=[row.pk for row in paging["page"].object_list],
    )
    return render(
        request,
        "cases/caseload.html",
        {
            "service": service,
            "manager": manager,
            "chosen": chosen,
            **paging,
            "statuses": Case.Status.choices,
            "reasons": reason_choices(service_pack(service)),
            "schools": caseload_schools(service),
            "counts": caseload_counts(service) if manager else [],
            "no_contact_days": rule.no_contact_days,
        },
    )


@login_required
def transferred(request: HttpRequest, org_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, org_id)
    return render(
        request,
        "cases/transferred.html",
        {
            "service": service,
            **paginate(request, transferred_for_review(service), CASES_PER_PAGE),
        },
    )


@login_required
def transfer_import(request: HttpRequest, org_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, org_id)
    require_service_manager(request.user, service)
    form = TransferForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = _apply(
            form,
            lambda: import_transfers(
                upload.read(), file_name=upload.name, service=service, by=_me(request)
            ),
        )
        if result is not None:
            messages.success(request, result.message)
            return redirect("transferred_cases", org_id=service.pk)
    return render(request, "cases/transfer_import.html", {"service": service, "form": form})


@login_required
def case_new(request: HttpRequest, org_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, org_id)
    form = CaseOpenForm(request.POST or None, service=service, pack=service_pack(service))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = _apply(
            form,
            lambda: services.case_open(
                service=service,
                by=_me(request),
                reason=data["reason"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                birth_date=data["birth_date"],
                national_id=data["national_id"],
                school_name=data["school_name"],
                summary=data["summary"],
                assign_to=data["assign_to"],
            ),
        )
        if case is not None:
            messages.success(request, f"Case {case.reference} is open.")
            return redirect("case", pk=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "title": "Open a case",
            "caption": service.name,
            "back": reverse("cases", args=[service.pk]),
            "button": "Open the case",
        },
        status=400 if form.errors else 200,
    )


@login_required
def tasks(request: HttpRequest, org_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, org_id)
    found = list(my_tasks(service, _me(request)))
    audit_list(
        request=request,
        organisation=service,
        listing="tasks",
        owner=service.pk,
        cases=[task.case_id for task in found],
    )
    return render(
        request,
        "cases/tasks.html",
        {"service": service, "tasks": found, "today": timezone.localdate()},
    )


# --- One case ----------------------------------------------------------------------------


@login_required
def case_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    audit_case(request, found, detail=f"{found.reference}: chronology")
    return render(
        request,
        "cases/chronology.html",
        {
            "case": found,
            "items": chronology(found),
            "child": found.people.filter(role="child").first(),
        },
    )


def case_form_page(
    request: HttpRequest,
    found: Case,
    form: forms.Form,
    write: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    button: str,
    done: str,
    template: str = "cases/case_form.html",
    extra: dict[str, Any] | None = None,
    back: str = "",
) -> HttpResponse:
    """Show a form about a case; on a valid POST run `write`, then go back to the case."""
    written = (
        _apply(form, lambda: write(form.cleaned_data))
        if request.method == "POST" and form.is_valid()
        else None
    )
    if written is not None:
        messages.success(request, done)
        return redirect(back or reverse("case", args=[found.pk]))
    return render(
        request,
        template,
        {
            "case": found,
            "form": form,
            "title": title,
            "caption": f"Case {found.reference}",
            "back": back or reverse("case", args=[found.pk]),
            "button": button,
            **(extra or {}),
        },
        status=400 if form.errors else 200,
    )


@login_required
def person_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    return case_form_page(
        request,
        found,
        PersonForm(request.POST or None),
        lambda data: services.person_add(case=found, **data),
        title="Add a person",
        button="Add the person",
        done="Person added to the case.",
    )


def _case_person(request: HttpRequest, pk: int, person_pk: int) -> tuple[Case, Person]:
    found = get_case_for_user(request.user, pk)
    return found, get_object_or_404(Person, pk=person_pk, case=found, ended_on__isnull=True)


@login_required
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    found, person = _case_person(request, pk, person_pk)
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    for name in ("lives_with_student", "parental_responsibility"):
        initial[name] = yes_no(initial[name])
    form = PersonEditForm(request.POST or None, initial=initial, person=person)
    audit_case(request, found, detail=f"{found.reference}: {person.full_name}'s record")
    return case_form_page(
        request,
        found,
        form,
        lambda data: services.person_update(person=person, by=_me(request), **data),
        title=f"Change {person.full_name}’s record",
        button="Save the change",
        done=f"{person.full_name}’s record is changed; what it said before is kept.",
        template="cases/person_edit.html",
        extra={
            "person": person,
            "changes": person_history(person),
            "end_url": reverse("person_end", args=[found.pk, person.pk])
            if person.role != Person.Role.CHILD
            else "",
        },
    )


@login_required
def person_end(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    found, person = _case_person(request, pk, person_pk)
    form = PersonEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    return case_form_page(
        request,
        found,
        form,
        lambda data: services.person_end(
            person=person, by=_me(request), reason=data["reason"], on=data["ended_on"]
        ),
        title=f"End {person.full_name}’s involvement with the case",
        button="End their involvement",
        done=f"{person.full_name} is no longer involved: they stay on record and get no letters.",
    )


@login_required
def safety_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    return case_form_page(
        request,
        found,
        SafetyFlagForm(request.POST or None, case=found),
        lambda data: services.safety_flag_raise(case=found, by=_me(request), **data),
        title="Raise a safety flag",
        button="Raise the flag",
        done="Safety flag raised: it shows on the case and on every visit form.",
    )


@login_required
@require_POST
def safety_withdraw(request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    flag = get_object_or_404(SafetyFlag, pk=flag_pk, case=found)
    services.safety_flag_withdraw(flag=flag)
    messages.success(request, f"{flag.get_kind_display()} flag withdrawn.")
    return redirect("case", pk=found.pk)


@login_required
def agency_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    return case_form_page(
        request,
        found,
        AgencyForm(request.POST or None, pack=case_pack(found)),
        lambda data: services.agency_add(case=found, **data),
        title="Add an agency",
        button="Add the agency",
        done="Agency added.",
    )


@login_required
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    return case_form_page(
        request,
        found,
        TaskForm(request.POST or None, case=found),
        lambda data: services.task_add(case=found, by=_me(request), **data),
        title="Add a task",
        button="Add the task",
        done="Task added.",
    )


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    task = get_object_or_404(Task, pk=task_pk, case=found)
    services.task_done(task=task, by=_me(request))
    messages.success(request, f"Done: {task.title}.")
    if request.POST.get("next") == "tasks":
        return redirect("tasks", org_id=found.service_id)
    return redirect("case", pk=found.pk)


@login_required
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    form = StatusForm(
        request.POST or None,
        initial={
            "status": found.status,
            "closed_reason": found.closed_reason,
            "exploring_pathway": found.exploring_pathway,
        },
    )

    def write(data: dict[str, Any]) -> Case:
        services.case_status_set(
            case=found, status=data["status"], closed_reason=data["closed_reason"]
        )
        return services.case_pathway_set(case=found, exploring=data["exploring_pathway"])

    return case_form_page(
        request, found, form, write, title="Change status", button="Save", done="Case updated."
    )


@login_required
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    require_service_manager(request.user, found.service)
    form = AssignForm(request.POST, service=found.service)
    if form.is_valid() and _apply(
        form,
        lambda: services.case_assign(
            case=found, to=form.cleaned_data["assign_to"], by=_me(request)
        ),
    ):
        who = display_name(found.assigned_to, nobody="nobody")
        messages.success(request, f"Case {found.reference} is assigned to {who}.")
        return redirect("case", pk=found.pk)
    messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("case", pk=found.pk)


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    kept = get_object_or_404(Attachment, pk=attachment_pk, entry__case=found)
    audit_case(request, found, action="download", detail=f"attachment {kept.pk} {kept.sha256}")
    # A file kept before types were checked is served by what it is, not what it claimed.
    return download(bytes(kept.content), served_type(kept.content_type), kept.name)
