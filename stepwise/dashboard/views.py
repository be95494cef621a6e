"""The school leaders' pages: early warning, the AMP dashboard, its targets, the Ministry export.

Every school is looked up through stepwise.schools.access.get_school_for_user, so
the school's officers, leaders and admins see these pages and anyone else gets 404.
Only the school's admins change targets (403 for the school's other staff).
"""

import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from stepwise.audit.services import audit_list, audit_record
from stepwise.schools.access import get_school_for_user
from stepwise.schools.models import School, Term
from stepwise.standings.selectors import current_term
from stepwise.web.charts import Series, bar_chart, line_chart
from stepwise.web.paging import paginate

from . import selectors
from .access import may_set_targets
from .export import PeriodError, export_file_name, parse_period, write_ministry_export
from .services import TargetError, parse_target, term_target_set

ROWS_PER_PAGE = 100
SPOOL_BYTES = 16 * 1024 * 1024  # exports up to this size stay in memory; larger go to disk


def _current_term(school: School, today: date) -> Term:
    term = current_term(school, today)
    if term is None:
        raise Http404("The school has no terms")
    return term


def _student_url(school: School, national_id: str, term: Term) -> str:
    return f"{reverse('student', args=[school.code, national_id])}?term={term.key}"


def _year_label(terms: list[Term]) -> str:
    """Return "2026" for a school year within one calendar year, else "2026/27"."""
    year = terms[0].year
    if all(t.start.year == year and t.end.year == year for t in terms):
        return str(year)
    return f"{year}/{(year + 1) % 100:02d}"


@login_required
def early_warning(request: HttpRequest, code: str) -> HttpResponse:
    """List the students forecast to reach a threshold soon, soonest first, 100 to a page."""
    school = get_school_for_user(request.user, code)
    prefetch_related_objects([school], "terms")
    today = selectors.today()
    term = _current_term(school, today)
    pack = school.rules
    as_of = min(today, term.end)
    warnings = selectors.early_warning(school, term, as_of=as_of)
    counts = {t.key: 0 for t in pack.thresholds}
    for w in warnings:
        counts[w.threshold.key] += 1
    # An unknown threshold in the address shows everyone rather than failing.
    threshold = request.GET.get("threshold", "")
    if threshold not in counts:
        threshold = ""
    shown = [w for w in warnings if w.threshold.key == threshold] if threshold else warnings
    paging = paginate(request, shown, ROWS_PER_PAGE)
    page = paging["page"]
    audit_list(
        request=request,
        organisation=school.organisation,
        listing="early_warning",
        owner=school.code,
        detail=term.key,
        students=[w.student.pk for w in page.object_list],
    )
    context = {
        "school": school,
        "term": term,
        "pack": pack,
        "as_of": as_of,
        "total": len(warnings),
        "threshold": threshold,
        "shown": len(shown),
        **paging,
        "rows": [
            {"warning": w, "url": _student_url(school, w.student.national_id, term)}
            for w in page.object_list
        ],
        "counts": [(t, counts[t.key]) for t in pack.thresholds if t.forecast],
        "standings_url": reverse("standings", args=[school.code, term.key]),
    }
    return render(request, "dashboard/early_warning.html", context)


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """Show the AMP dashboard of the school's current term.

    The attendance figures, charts and tables are rendered once per school, term,
    day counted, register version and targets, and kept in the cache: a leader's
    morning look costs a few small queries. Response coverage is counted live.
    """
    school = get_school_for_user(request.user, code)
    prefetch_related_objects([school], "terms")
    pack = school.rules
    today = selectors.today()
    term = _current_term(school, today)
    as_of = min(today, term.end)
    version = selectors.register_version(school)
    targets = selectors.targets_for(selectors.year_terms(school, term), pack)
    admin = may_set_targets(request.user, school)
    key = selectors.cache_key("page", school, term, as_of, version, sorted(targets.items()), admin)
    figures = cache.get(key)
    if figures is None:
        figures = _figures(school, term, as_of, version, targets, admin)
        cache.set(key, figures, selectors.CACHE_SECONDS)
    context = {
        "school": school,
        "term": term,
        "pack": pack,
        "as_of": as_of,
        **figures["summary"],
        "figures_html": mark_safe(figures["html"]),  # rendered by our own template
        "goal": selectors.national_goal(pack),
        "coverage": selectors.response_coverage(term, pack, now=timezone.now()),
        "due_hours": pack.response_due_hours,
        "export_from": term.start,
        "export_to": as_of,
    }
    return render(request, "dashboard/dashboard.html", context)


def _figures(
    school: School,
    term: Term,
    as_of: date,
    version: str,
    targets: dict[int, tuple[Decimal, bool]],
    admin: bool,
) -> dict[str, Any]:
    """Return the dashboard's attendance figures as HTML, and the few numbers shown above them."""
    pack = school.rules
    year = selectors.year_rows(school, term, as_of=as_of, version=version, targets=targets)
    current = next(r for r in year if r.term.pk == term.pk)
    figures = current.figures
    goal = selectors.national_goal(pack)
    # The last school year's terms on record come first, so the chart shows a trend even
    # while only this year's first term has started.
    earlier = _last_year_rows(school, term, as_of, version)
    charted = earlier + year
    year_label = _year_label([r.term for r in year])
    if earlier:
        year_label = f"{_year_label([r.term for r in earlier])} and {year_label}"
    series = [
        Series("Attending regularly", [r.regular_percent for r in charted]),
        Series("School target", [float(r.target) for r in charted]),
    ]
    if goal:
        series.append(Series("National goal", [float(goal[0])] * len(charted)))
    context: dict[str, Any] = {
        "school": school,
        "term": term,
        "pack": pack,
        "year": year,
        "charted": charted,
        "year_label": year_label,
        "figures": figures,
        "goal": goal,
        "may_set_targets": admin,
        "tiers": pack.tiers,
        "regular_chart": line_chart(
            f"Regular attendance by term, {year_label}",
            [r.term.name for r in charted],
            series,
            unit="%",
            y_max=100,
            description=(
                f"The share of students attending regularly in each term of {year_label}, "
                "with the school's target for each term"
                + (f" and the national goal of {goal[0]:g}%." if goal else ".")
            ),
        ),
    }
    if figures is not None:
        context["tier_counts"] = list(zip(pack.tiers, figures.tiers, strict=True))
        context["tier_chart"] = line_chart(
            f"Students in each tier week by week, {term.name}",
            [w.monday.strftime("%-d %b") for w in figures.weeks],
            [
                Series(level.name, [w.tiers[i] for w in figures.weeks], colour=level.colour)
                for i, level in enumerate(pack.tiers)
            ],
            description=(
                f"How many students were in each tier at the end of each school week of "
                f"{term.name}."
            ),
        )
        context["weekday_chart"] = bar_chart(
            f"Absence by day of the week, {term.name}",
            [row.name[:3] for row in figures.weekdays],
            [row.absent_percent or 0.0 for row in figures.weekdays],
            unit="%",
            description=(
                f"The share of possible {pack.word('sessions')} missed on each day of the week "
                f"in {term.name}, all students together."
            ),
        )
        context["rates"] = [
            {
                "rate": rate,
                "students": [
                    {"listed": s, "url": _student_url(school, s.national_id, term)}
                    for s in figures.flags.get(rate.key, [])
                ],
                "percent": selectors.share_percent(
                    len(figures.flags.get(rate.key, [])), figures.students
                ),
            }
            for rate in pack.rates
        ]
        context["rolling"] = [
            {
                "threshold": t,
                "students": [
                    {"listed": s, "url": _student_url(school, s.national_id, term)}
                    for s in figures.rolling.get(t.key, [])
                ],
            }
            for t in pack.thresholds
            if t.window == "rolling"
        ]
    return {
        "html": render_to_string("dashboard/_figures.html", context),
        "summary": {
            "figures": figures,
            "target": current.target,
            "year": year,
            "rates": context.get("rates", []),
            "rolling": context.get("rolling", []),
        },
    }


def _last_year_rows(
    school: School, term: Term, as_of: date, version: str
) -> list[selectors.TermRow]:
    """Return the terms of the school year before `term`'s that have students counted."""
    before = next((t for t in school.terms.all() if t.year == term.year - 1), None)
    if before is None:
        return []
    rows = selectors.year_rows(school, before, as_of=as_of, version=version)
    return [r for r in rows if r.figures is not None and r.figures.counted]


@dataclass
class TargetField:
    """One term's input on the targets form."""

    term: Term
    name: str
    value: str  # as typed (or the saved target); empty means the pack's default
    error: str = ""


@login_required
def targets(request: HttpRequest, code: str) -> HttpResponse:
    school = get_school_for_user(request.user, code)
    if not may_set_targets(request.user, school):
        raise PermissionDenied("Only the school's admins set its targets")
    pack = school.rules
    term = _current_term(school, selectors.today())
    terms = selectors.year_terms(school, term)
    current = selectors.targets_for(terms, pack)
    fields = [
        TargetField(t, f"target-{t.key}", "" if current[t.pk][1] else f"{current[t.pk][0]:g}")
        for t in terms
    ]
    status = 200
    if request.method == "POST":
        chosen: dict[int, Decimal | None] = {}
        for f in fields:
            f.value = request.POST.get(f.name, "").strip()
            try:
                chosen[f.term.pk] = parse_target(f.value)
            except TargetError as e:
                f.error = str(e)
        if not any(f.error for f in fields):
            for t in terms:
                old = current[t.pk]
                if term_target_set(term=t, regular_percent=chosen[t.pk]):
                    new = chosen[t.pk]
                    audit_record(
                        request=request,
                        organisation=school.organisation,
                        action="change",
                        object_type="term_target",
                        object_id=t.pk,
                        detail=f"{school.code} {t.key}: {old[0]:g}% -> "
                        + (f"{new:g}%" if new is not None else "the default"),
                    )
            messages.success(request, "The targets have been saved.")
            return redirect("dashboard", code=school.code)
        status = 400
    context = {
        "school": school,
        "term": term,
        "pack": pack,
        "fields": fields,
        "errors": [f for f in fields if f.error],
        "default": selectors.default_target(pack),
        "goal": selectors.national_goal(pack),
        "year_label": _year_label(terms),
    }
    return render(request, "dashboard/targets.html", context, status=status)


@login_required
def ministry_export(request: HttpRequest, code: str) -> HttpResponseBase:
    school = get_school_for_user(request.user, code)
    today = selectors.today()
    term = _current_term(school, today)
    first, last = request.GET.get("from"), request.GET.get("to")
    context: dict[str, Any] = {
        "school": school,
        "term": term,
        "pack": school.rules,
        "export_from": first if first is not None else term.start.isoformat(),
        "export_to": last if last is not None else min(today, term.end).isoformat(),
        "errors": {},
    }
    if first is None and last is None:
        return render(request, "dashboard/export.html", context)
    try:
        start, end = parse_period(first, last, today=today)
    except PeriodError as e:
        context["errors"] = e.errors
        return render(request, "dashboard/export.html", context, status=400)
    # FileResponse closes the file once it is sent, so no context manager here.
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    counts = write_ministry_export(file, school=school, start=start, end=end, today=today)
    audit_record(
        request=request,
        organisation=school.organisation,
        action="download",
        object_type="ministry_export",
        object_id=school.code,
        detail=f"{start.isoformat()} to {end.isoformat()}: {counts.attendance} attendance rows, "
        f"{counts.responses} response activities",
    )
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=export_file_name(school, start, end),
        content_type="application/zip",
    )
