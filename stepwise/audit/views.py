from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stepwise.accounts.access import get_audited_organisation_for_user
from stepwise.web.csvfiles import csv_writer

from .forms import AuditFilterForm
from .selectors import EXPORT_COLUMNS, audit_events, export_row
from .services import audit_record

PAGE_SIZE = 50


def _filtered(request: HttpRequest, org_id: int):
    organisation = get_audited_organisation_for_user(request.user, org_id)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return organisation, form, audit_events(organisation, **{k: v for k, v in filters.items() if v})


@login_required
def audit_log(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation, form, events = _filtered(request, org_id)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"organisation": organisation, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def audit_export(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation, _form, events = _filtered(request, org_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{organisation.pk}.csv"'
    writer = csv_writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        writer.writerow(export_row(event))
    # Exporting the audit log is itself an export worth recording.
    audit_record(
        request=request,
        organisation=organisation,
        action="export",
        object_type="audit_log",
        object_id=organisation.pk,
        detail=request.GET.urlencode(),
    )
    return response
