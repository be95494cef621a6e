"""Letter batches: start one, watch its progress, resume it, read the summary, print its letters.

A school's batch sends its first letter to the caregivers of every student over the
pack's batch threshold; a service's sends a chosen letter across the cases it selects.
The batch page polls its own progress with htmx while the worker sends, and reads
the same without JavaScript after a refresh. Lookups go through stepwise.letters.access;
starting, viewing and downloading are audited.
"""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.access import get_service_for_user
from stepwise.accounts.models import Organisation
from stepwise.audit.services import audit_record
from stepwise.cases.selectors import service_pack
from stepwise.schools.access import get_school_for_user
from stepwise.web.files import download

from ..access import (
    get_school_batch_for_user,
    get_service_batch_for_user,
    may_send_school_letters,
    require_school_sender,
)
from ..forms import BatchForm, ServiceBatchForm
from ..models import LetterBatch
from ..schools.selectors import school_letter_set
from ..sending import sha256
from .selectors import (
    ChangedLetter,
    batch_items,
    batch_letters,
    batch_offer,
    batch_pdf_letters,
    batch_threshold,
    batches_of,
    open_cases,
    print_file,
)
from .services import batch_resume, school_batch_start, service_batch_start

# The batch page asks for its progress this often while the worker sends.
POLL_SECONDS = 1


def _audit(
    request: HttpRequest, organisation: Organisation, action: str, batch: LetterBatch, detail: str
) -> None:
    audit_record(
        request=request,
        organisation=organisation,
        action=action,
        object_type="letter_batch",
        object_id=batch.pk,
        detail=detail,
    )


def _show_errors(form: BatchForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _initial() -> dict[str, object]:
    return {"sent_on": timezone.localdate(), "method": "post"}


# --- A school's batch ------------------------------------------------------------------


@login_required
def school_batches(request: HttpRequest, code: str) -> HttpResponse:
    school = get_school_for_user(request.user, code)
    may_send = may_send_school_letters(request.user, school)
    form = BatchForm(request.POST or None, initial=_initial())
    if request.method == "POST":
        require_school_sender(request.user, school)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = school_batch_start(
                    school=school,
                    by=cast(User, request.user),
                    sent_on=data["sent_on"],
                    method=data["method"],
                    reason=data["reason"],
                )
            except ValidationError as e:
                _show_errors(form, e)
            else:
                _audit(
                    request,
                    school.organisation,
                    "change",
                    batch,
                    f"{school.code}: letter batch started ({batch.total} students)",
                )
                return redirect("school_letter_batch", code=school.code, pk=batch.pk)
    letter_set = school_letter_set(school)
    return render(
        request,
        "letters/school_batches.html",
        {
            "school": school,
            "form": form,
            "may_send": may_send,
            "letter": letter_set.letters[0] if letter_set else None,
            "threshold": batch_threshold(school),
            "offer": batch_offer(school, timezone.localdate()),
            "batches": batches_of(school.organisation)[:20],
        },
        status=400 if form.errors else 200,
    )


def _resume(request: HttpRequest, batch: LetterBatch, organisation: Organisation) -> str:
    """Resume the batch (a POST from its page); return why not, or "" once queued."""
    try:
        batch_resume(batch=batch)
    except ValidationError as e:
        return " ".join(e.messages)
    _audit(request, organisation, "change", batch, f"letter batch resumed at {batch.done}")
    return ""


def _batch_page(
    request: HttpRequest, batch: LetterBatch, *, organisation: Organisation, pdf_url: str, **extra
) -> HttpResponse:
    if request.method == "POST":
        refused = _resume(request, batch, organisation)
        if not refused:
            return redirect(request.path)
        extra["resume_error"] = refused
    fragment = request.GET.get("part") == "progress"
    if not fragment:
        _audit(request, organisation, "view", batch, batch.title)
    context = {
        "batch": batch,
        "items": batch_items(batch) if batch.finished else [],
        "printable": batch.finished and batch_pdf_letters(batch).exists(),
        "resumable": batch.resumable(timezone.now()),
        "pdf_url": pdf_url,
        "poll_seconds": POLL_SECONDS,
        "progress_url": request.path + "?part=progress",
        **extra,
    }
    template = "letters/_batch_progress.html" if fragment else "letters/batch.html"
    return render(request, template, context, status=400 if "resume_error" in extra else 200)


def _batch_pdf(
    request: HttpRequest, batch: LetterBatch, organisation: Organisation, back_url: str
) -> HttpResponse:
    no_pdf = {"batch": batch, "back_url": back_url}
    if not batch.finished:
        return render(request, "letters/batch_no_pdf.html", no_pdf, status=404)
    try:
        printed = print_file(batch)
    except ChangedLetter as e:
        _audit(request, organisation, "download", batch, f"print file REFUSED: {e}")
        return render(
            request,
            "letters/batch_no_pdf.html",
            no_pdf | {"changed": e.letter, "found_sha": e.found_sha},
            status=409,
        )
    if not printed.letters:
        return render(request, "letters/batch_no_pdf.html", no_pdf, status=404)
    _audit(
        request,
        organisation,
        "download",
        batch,
        f"print file of {printed.letters} letters {sha256(printed.content)}",
    )
    name = f"letter-batch-{batch.pk}-{batch.sent_on}.pdf"
    return download(printed.content, "application/pdf", name)


@login_required
def school_batch(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    school, batch = get_school_batch_for_user(request.user, code, pk)
    if request.method == "POST":
        require_school_sender(request.user, school)
    return _batch_page(
        request,
        batch,
        organisation=school.organisation,
        pdf_url=reverse("school_letter_batch_pdf", args=[school.code, batch.pk]),
        school=school,
        back_url=reverse("school_letter_batches", args=[school.code]),
        threshold_label=school.rules.threshold(batch.threshold).label if batch.threshold else "",
    )


@login_required
def school_batch_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    school, batch = get_school_batch_for_user(request.user, code, pk)
    back = reverse("school_letter_batch", args=[school.code, batch.pk])
    return _batch_pdf(request, batch, school.organisation, back)


# --- A service's batch -----------------------------------------------------------------


@login_required
def service_batches(request: HttpRequest, org_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, org_id)
    choices = open_cases(service)
    letters = batch_letters(service_pack(service))
    form = ServiceBatchForm(
        request.POST or None,
        initial=_initial(),
        letters=[(e.key, f"{e.title} ({e.set_key.replace('_', ' ')})") for e in letters],
        cases=[
            (str(c.case.pk), f"{c.case.reference}: {c.child or 'no child recorded'}")
            for c in choices
        ],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["cases"]}
        try:
            batch = service_batch_start(
                service=service,
                cases=[c.case for c in choices if c.case.pk in chosen],
                letter_key=data["letter"],
                by=cast(User, request.user),
                sent_on=data["sent_on"],
                method=data["method"],
                reason=data["reason"],
            )
        except ValidationError as e:
            _show_errors(form, e)
        else:
            _audit(request, service, "change", batch, f"letter batch started ({batch.total} cases)")
            return redirect("service_letter_batch", org_id=service.pk, pk=batch.pk)
    return render(
        request,
        "letters/service_batches.html",
        {
            "service": service,
            "form": form,
            "letters": letters,
            "batches": batches_of(service)[:20],
        },
        status=400 if form.errors else 200,
    )


@login_required
def service_batch(request: HttpRequest, org_id: int, pk: int) -> HttpResponse:
    service, batch = get_service_batch_for_user(request.user, org_id, pk)
    return _batch_page(
        request,
        batch,
        organisation=service,
        pdf_url=reverse("service_letter_batch_pdf", args=[service.pk, batch.pk]),
        service=service,
        back_url=reverse("service_letter_batches", args=[service.pk]),
    )


@login_required
def service_batch_pdf(request: HttpRequest, org_id: int, pk: int) -> HttpResponse:
    service, batch = get_service_batch_for_user(request.user, org_id, pk)
    back = reverse("service_letter_batch", args=[service.pk, batch.pk])
    return _batch_pdf(request, batch, service, back)
