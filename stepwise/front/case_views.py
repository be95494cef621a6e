"""The case page, and recording contact from it: what a case's worker sees first.

They sit above letters and certificates because they show both: the next letter a
family not engaging is due, and the registration certificates panel. The case's other
pages and forms are in stepwise.cases.views.
"""

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from stepwise.accounts.access import manages_service
from stepwise.cases import services
from stepwise.cases.access import get_case_for_user
from stepwise.cases.forms import AssignForm, LogEntryForm
from stepwise.cases.models import Case, LogEntry
from stepwise.cases.selectors import (
    LOG_PER_PAGE,
    active_safety_flags,
    case_pack,
    corrected_entries,
    engagement_rule,
    log_page,
    log_page_entries,
    recent_signal,
    signal_and_corrected,
    with_schools,
)
from stepwise.cases.views import audit_case, case_form_page
from stepwise.rules.pack import Pack
from stepwise.web.paging import paginate

LOG_CACHE_SECONDS = 600


def _log_html(
    request: HttpRequest, found: Case, paging: dict[str, Any], corrected: set[int], pack: Pack
) -> str:
    """Return one page of the case's log, rendered once per version of the log.

    The log is append-only, so its length is its version: a new entry or a
    correction changes it, and nothing else changes a rendered entry.
    """
    page = paging["page"]
    key = f"case-log:{found.pk}:{page.number}:{page.paginator.count}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "cases/_log.html",
            {"case": found, "pack": pack, "log": log_page(found, page, corrected), **paging},
            request=request,
        )
        cache.set(key, html, LOG_CACHE_SECONDS)
    return mark_safe(html)


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    found = with_schools(get_case_for_user(request.user, pk))
    audit_case(request, found)
    today = timezone.localdate()
    rule = engagement_rule(found)
    signal, corrected = signal_and_corrected(found, today)
    paging = paginate(request, log_page_entries(found), LOG_PER_PAGE)
    manager = manages_service(request, found.service)
    pack = case_pack(found)
    return render(
        request,
        "front/case.html",
        {
            "case": found,
            "pack": pack,
            "manager": manager,
            "log_html": _log_html(request, found, paging, corrected, pack),
            "signal": signal,
            "pathway_warning": rule.pathway_warning if found.exploring_pathway else "",
            "flags": active_safety_flags(found),
            # The model's order (case, role, pk) without reading the case again.
            "people": found.people.current().order_by("role", "pk"),
            "former_people": found.people.filter(ended_on__isnull=False)
            .select_related("ended_by")
            .order_by("ended_on", "pk"),
            "agencies": found.agencies.filter(ended_on__isnull=True),
            "tasks": found.tasks.filter(done_at__isnull=True).select_related("assigned_to"),
            "schools": found.schools.all(),
            "today": today,
            # Only a manager sees the reassign form: build it for them alone.
            "assign_form": AssignForm(
                initial={"assign_to": found.assigned_to_id}, service=found.service
            )
            if manager
            else None,
        },
    )


def _uploads(request: HttpRequest) -> list[services.Upload]:
    # Never more than the cap and a byte of a file: enough for the service to refuse it.
    cap = settings.UPLOAD_ATTACHMENT_MAX_BYTES
    return [
        services.Upload(f.name or "attachment", f.content_type or "", f.read(cap + 1), f.size or 0)
        for f in request.FILES.getlist("attachments")
    ]


@login_required
def log_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    corrects = None
    corrects_id = request.GET.get("corrects") or request.POST.get("corrects")
    if corrects_id and corrects_id.isdigit():
        corrects = get_object_or_404(LogEntry, pk=corrects_id, case=found)
    initial: dict[str, Any] = {"kind": request.GET.get("kind", "")}
    if corrects is not None:
        initial = {
            "kind": corrects.kind,
            "outcome": corrects.outcome,
            "support": corrects.support,
            "happened_at": timezone.localtime(corrects.happened_at),
        }
    pack = case_pack(found)
    form = LogEntryForm(request.POST or None, initial=initial, case=found, pack=pack)
    audit_case(request, found, detail=f"{found.reference}: recording contact")

    def write(data: dict[str, Any]) -> LogEntry:
        return services.log_entry_record(
            case=found,
            by=cast(User, request.user),
            kind=data["kind"],
            happened_at=data["happened_at"],
            outcome=data["outcome"],
            support=data["support"],
            people=list(data["people"]),
            others_involved=data["others_involved"],
            notes=data["notes"],
            corrects=corrects,
            uploads=_uploads(request),
        )

    return case_form_page(
        request,
        found,
        form,
        write,
        title="Correct an entry" if corrects else "Record contact or an event",
        button="Record the correction" if corrects else "Record",
        done="The correction is in the log." if corrects else "Recorded in the engagement log.",
        template="front/log_new.html",
        extra={
            "pack": pack,
            "flags": active_safety_flags(found),
            "corrects": corrects,
            "signal": recent_signal(found, corrected_entries(found)),
        },
    )
