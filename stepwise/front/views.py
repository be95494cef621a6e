"""The school workspace pages: the schools a user can see, each term's standings, one student.

Every school and student is looked up through stepwise.schools.access, so a user
never learns whether a school or student they may not see exists (404 either way).
"""

import re
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.access import (
    has_school_role,
    is_installation_admin,
    is_service_manager,
    services_for_user,
    teams_for_user,
)
from stepwise.accounts.models import Membership
from stepwise.audit.services import audit_list, audit_record
from stepwise.letters.school_selectors import student_page_letters
from stepwise.referrals.access import can_refer
from stepwise.referrals.selectors import referrals_for_student
from stepwise.register.selectors import pending_evaluation, register_version
from stepwise.responses.models import ResponseActivity
from stepwise.responses.selectors import with_history
from stepwise.responses.timeliness import Deadlines, with_first_answer
from stepwise.rules.deadline import DUE, LATE, ON_TIME, OVERDUE, TIMELINESS_LABELS
from stepwise.rules.explain import enrolled_days, explain, weekday_pattern
from stepwise.rules.pack import Level, Pack
from stepwise.schools.access import get_school_for_user, get_student_for_user, schools_for_user
from stepwise.schools.calendars import closed_days, closed_sessions
from stepwise.schools.models import School, Student, StudentCaregiver, Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import TermRegister, current_term, term_register, term_rows
from stepwise.web.charts import bar_chart
from stepwise.web.paging import paginate
from stepwise.web.templatetags.stepwise_web import short_label

from .register_calendar import legend, register_weeks

ROWS_PER_PAGE = 100
TERM_KEY = re.compile(r"(\d{4})T(\d{1,2})")

# Sortable standings columns: key -> the direction a first click sorts in. Threshold
# columns ("reached_<key>") sort earliest first; everything about absence worst first.
SORTS = {
    "name": "asc",
    "student_id": "asc",
    "year": "asc",
    "days_absent": "desc",
    "attendance": "asc",
    "tier": "desc",
    "band": "asc",
}
DEFAULT_SORT = ("days_absent", "desc")


def _get_term(school: School, key: str) -> Term:
    """Return the school's term with a key like 2026T4, or raise Http404."""
    match = TERM_KEY.fullmatch(key)
    term = None
    if match:
        year, number = int(match[1]), int(match[2])
        term = school.terms.filter(year=year, number=number).first()
    if term is None:
        raise Http404("No such term")
    return term


def _switchable_terms(school: School, today: date) -> list[Term]:
    """Return the terms worth switching to: those that have started (all, if none has)."""
    terms = list(school.terms.all())
    started = [t for t in terms if t.start <= today]
    return started or terms


def _level(levels: tuple[Level, ...], key: str | None) -> Level | None:
    for level in levels:
        if level.key == key:
            return level
    return None


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    schools = list(schools_for_user(request.user).order_by("name"))
    if not schools:
        # A service's managers start from the referrals waiting for their decision;
        # caseworkers from their own cases.
        service = services_for_user(request.user).order_by("name").first()
        if service is not None:
            if is_service_manager(request.user, service):
                return redirect("service_inbox", org_id=service.pk)
            return redirect("cases", org_id=service.pk)
        # A prosecutions team or local authority starts from the cases referred to it.
        team = teams_for_user(request.user).order_by("name").first()
        if team is not None:
            return redirect("team_referrals", org_id=team.pk)
        # Whoever administers the installation starts from its organisations.
        if is_installation_admin(request.user):
            return redirect("organisations")
    if len(schools) == 1:
        # An attendance officer starts from the day's work: the responses waiting.
        if has_school_role(request.user, schools[0], (Membership.Role.ATTENDANCE_OFFICER,)):
            return redirect("queue", code=schools[0].code)
        term = current_term(schools[0])
        if term is not None:
            return redirect("standings", code=schools[0].code, term_key=term.key)
    listed = [(school, current_term(school)) for school in schools]
    return render(request, "front/home.html", {"schools": listed})


@login_required
def school(request: HttpRequest, code: str) -> HttpResponse:
    found = get_school_for_user(request.user, code)
    term = current_term(found)
    if term is None:
        raise Http404("The school has no terms")
    return redirect("standings", code=found.code, term_key=term.key)


def _sort_key(name: str, pack: Pack):
    """Return a function giving a row's value for a sort column (None sorts last)."""
    tier_index = {t.key: i for i, t in enumerate(pack.tiers)}
    band_index = {b.key: i for i, b in enumerate(pack.bands)}
    if name.startswith("reached_"):
        key = name.removeprefix("reached_")
        return lambda r: r["thresholds"].get(key)
    return {
        "name": lambda r: (r["student"].family_name.lower(), r["student"].given_name.lower()),
        "student_id": lambda r: r["student"].national_id,
        "year": lambda r: r["student"].year_level,
        "days_absent": lambda r: r["days_absent"],
        "attendance": lambda r: r["attendance_percent"],
        "tier": lambda r: tier_index[r["tier"]],
        "band": lambda r: band_index.get(r["band"]),
    }[name]


def _sorted(rows: list[dict[str, Any]], key, descending: bool) -> list[dict[str, Any]]:
    # Rows without a value (no threshold date, no possible sessions) always go last;
    # Python's sort is stable, so ties keep the alphabetical order rows arrive in.
    known = [r for r in rows if key(r) is not None]
    unknown = [r for r in rows if key(r) is None]
    known.sort(key=key, reverse=descending)
    return known + unknown


@login_required
def standings(request: HttpRequest, code: str, term_key: str) -> HttpResponse:
    found = get_school_for_user(request.user, code)
    term = _get_term(found, term_key)
    pack = found.rules
    today = timezone.localdate()
    rows = term_rows(found, term, as_of=today, version=register_version(found))
    # Alphabetical first, so students who tie on the sorted column stay in name order.
    rows = sorted(rows, key=_sort_key("name", pack))

    counts = {t.key: 0 for t in pack.tiers}
    for row in rows:
        counts[row["tier"]] += 1
    year_levels = sorted({row["student"].year_level for row in rows})

    # Filters: each ignores a value it does not recognise rather than failing.
    tier = request.GET.get("tier", "")
    if tier not in counts:
        tier = ""
    year = request.GET.get("year", "")
    if not (year.isdigit() and int(year) in year_levels):
        year = ""
    query = request.GET.get("q", "").strip()
    shown = rows
    if tier:
        shown = [r for r in shown if r["tier"] == tier]
    if year:
        shown = [r for r in shown if r["student"].year_level == int(year)]
    if query:
        needle = query.casefold()
        shown = [
            r
            for r in shown
            if needle in r["student"].full_name.casefold()
            or needle in r["student"].national_id.casefold()
        ]

    sortable = {**SORTS, **{f"reached_{t.key}": "asc" for t in pack.thresholds}}
    sort = request.GET.get("sort", "")
    order = request.GET.get("order", "")
    if sort not in sortable:
        sort, order = DEFAULT_SORT
    if order not in ("asc", "desc"):
        order = sortable[sort]
    shown = _sorted(shown, _sort_key(sort, pack), descending=order == "desc")

    paging = paginate(request, shown, ROWS_PER_PAGE)
    page = paging["page"]

    def heading(key: str, label: str) -> dict[str, Any]:
        active = key == sort
        next_order = ("asc" if order == "desc" else "desc") if active else sortable[key]
        return {
            "key": key,
            "label": label,
            "aria_sort": ({"asc": "ascending", "desc": "descending"}[order] if active else "none"),
            "order": next_order,
        }

    context = {
        "school": found,
        "term": term,
        "pack": pack,
        "as_of": min(today, term.end),
        "pending_evaluation": pending_evaluation(term),
        "terms": _switchable_terms(found, today),
        "tier_counts": [(level, counts[level.key]) for level in pack.tiers],
        "total": len(rows),
        "filtered": len(shown),
        "filters": {"tier": tier, "year": year, "q": query},
        "filtering": bool(tier or year or query),
        "year_levels": year_levels,
        "sort": sort,
        "order": order,
        "headings": {
            "name": heading("name", "Name"),
            "student_id": heading("student_id", pack.word("student_id")),
            "year": heading("year", "Year level"),
            "days_absent": heading("days_absent", "Days absent"),
            "attendance": heading("attendance", "Attendance"),
            "tier": heading("tier", "Tier"),
            "band": heading("band", "Band"),
        },
        "threshold_headings": [
            {**heading(f"reached_{t.key}", short_label(t.label)), "threshold": t}
            for t in pack.thresholds
        ],
        "rates": pack.rates,
        **paging,
        "rows": [_standings_row(pack, found, term, row) for row in page.object_list],
    }
    audit_list(
        request=request,
        organisation=found.organisation,
        listing="standings",
        owner=found.code,
        detail=term.key,
        students=[row["student"].pk for row in page.object_list],
    )
    return render(request, "front/standings.html", context)


def _standing(pack: Pack, row: dict[str, Any]) -> dict[str, Any]:
    """Return the parts of a standing row that the templates show with the pack's names."""
    return {
        "tier": _level(pack.tiers, row["tier"]),
        "band": _level(pack.bands, row["band"]),
        "thresholds": [
            {
                "threshold": t,
                "date": _parse_date(row["thresholds"][t.key]),
                "current": row["current"].get(t.key),  # rolling thresholds only
            }
            for t in pack.thresholds
        ],
        "flags": [{"rate": r, "raised": row["flags"][r.key]} for r in pack.rates],
    }


def _standings_row(pack: Pack, school: School, term: Term, row: dict[str, Any]) -> dict[str, Any]:
    student = row["student"]
    url = reverse("student", args=[school.code, student.national_id])
    return {
        "student": student,
        "url": f"{url}?term={term.key}",
        "days_absent": row["days_absent"],
        "attendance_percent": row["attendance_percent"],
        **_standing(pack, row),
    }


@login_required
def student(request: HttpRequest, code: str, national_id: str) -> HttpResponse:
    found = get_school_for_user(request.user, code)
    pupil = get_student_for_user(request.user, found, national_id)
    term_key = request.GET.get("term", "")
    term = _get_term(found, term_key) if term_key else current_term(found)
    if term is None:
        raise Http404("The school has no terms")
    # Looking at a child's record is itself a record: exactly one entry per page view.
    audit_record(
        request=request,
        organisation=found.organisation,
        action="view",
        object_type="student",
        object_id=pupil.pk,
        detail=f"{found.code} {term.key}",
    )

    pack = found.rules
    today = timezone.localdate()
    register = term_register(found, term, as_of=today, student_pks=[pupil.pk])
    context: dict[str, Any] = {
        "school": found,
        "student": pupil,
        "term": term,
        "pack": pack,
        "as_of": min(today, term.end),
        "terms": _switchable_terms(found, today),
        "standings_url": reverse("standings", args=[found.code, term.key]),
        "caregivers": StudentCaregiver.objects.filter(student=pupil, caregiver__school=found)
        .select_related("caregiver")
        .order_by("-parental_responsibility", "caregiver__family_name", "caregiver__given_name"),
        "enrolled": bool(register.students),
        "history": _tier_history(found, term, register, pupil, today),
        "events": _threshold_events(found, term, pupil, today),
        "pending_evaluation": pending_evaluation(term),
        "referrals": referrals_for_student(found, pupil),
        "can_refer": can_refer(request.user, found),
        **student_page_letters(found, pupil),
    }
    if register.students:
        row = register.rows()[0]
        marks = register.marks[0]
        calendar = register.calendar
        slots = calendar.slots(term.key)
        forecast = row["forecast"]
        info = register.students[0]
        explained = explain(
            pack,
            calendar,
            marks,
            term=term.key,
            as_of=today,
            enrolled=enrolled_days(calendar, info.enrolled_from, info.enrolled_to),
        )
        standing = _standing(pack, row)
        for cell in standing["thresholds"]:
            cell["explain"] = explained[f"threshold-{cell['threshold'].key}"]
        for flag in standing["flags"]:
            flag["explain"] = explained[f"rate-{flag['rate'].key}"]
        pattern = weekday_pattern(pack, calendar, marks, term=term.key, as_of=today)
        context.update(
            info=info,
            standing=row,
            **standing,
            explain=explained,
            forecast=forecast
            and {
                "threshold": pack.threshold(forecast["threshold"]),
                "date": _parse_date(forecast["date"]),
                "soon": forecast["soon"],
            },
            weeks=register_weeks(
                pack=pack,
                calendar=calendar,
                term_key=term.key,
                marks=marks,
                closed=closed_days(found, [term]),
                closed_sessions=closed_sessions(found, [term]),
                as_of=today,
            ),
            legend=legend(pack, marks[slots]),
            pattern=pattern,
            pattern_chart=bar_chart(
                f"Absence by day of the week, {term.name}",
                [p.weekday for p in pattern],
                [p.percent or 0.0 for p in pattern],
                unit="%",
                description=", ".join(
                    f"{p.weekday}: "
                    + (f"no {pack.word('sessions')}" if p.percent is None else f"{p.percent:g}%")
                    for p in pattern
                ),
            ),
        )
    return render(request, "front/student.html", context)


def _tier_history(
    school: School, term: Term, register: TermRegister, pupil: Student, today: date
) -> dict[str, Any]:
    """Return the student's days absent, attendance and tier in each term of the school year."""
    pack = school.rules
    rows: list[dict[str, Any]] = []
    for t in school.terms.filter(year=term.year).order_by("start"):
        if t.start > today:
            rows.append({"term": t, "started": False})
            continue
        evaluated = (
            register
            if t.pk == term.pk
            else term_register(school, t, as_of=today, student_pks=[pupil.pk])
        )
        if not evaluated.students:
            rows.append({"term": t, "started": True, "enrolled": False})
            continue
        row = evaluated.rows()[0]
        rows.append(
            {
                "term": t,
                "started": True,
                "enrolled": True,
                "current": t.pk == term.pk,
                "days_absent": row["days_absent"],
                "attendance_percent": row["attendance_percent"],
                "tier": _level(pack.tiers, row["tier"]),
                "url": f"{reverse('student', args=[school.code, pupil.national_id])}?term={t.key}",
            }
        )
    counted = [r for r in rows if r.get("enrolled")]
    chart = (
        bar_chart(
            f"Days absent per term, school year {term.year}",
            [r["term"].name for r in counted],
            [r["days_absent"] for r in counted],
            description=", ".join(
                f"{r['term'].name}: {r['days_absent']:g} days absent, {r['tier'].name}"
                for r in counted
            ),
        )
        if counted
        else None
    )
    return {"rows": rows, "chart": chart, "year": term.year}


TIMELINESS_COLOURS = {ON_TIME: "green", LATE: "yellow", DUE: "blue", OVERDUE: "red"}


def _timeliness(deadlines: Deadlines, event: ThresholdEvent, today: date) -> dict[str, Any]:
    """Return when a response to the event is due and how it was answered, as every page says."""
    state = deadlines.timeliness(event.reached_on, event.first_answer, today)  # type: ignore[attr-defined]
    return {
        "due_by": deadlines.due_on(event.reached_on),
        "timeliness_label": TIMELINESS_LABELS[state],
        "timeliness_colour": TIMELINESS_COLOURS[state],
    }


def _threshold_events(school: School, term: Term, pupil: Student, today: date) -> dict[str, Any]:
    """Return the student's threshold events in the term, each with the responses to it.

    Private notes are left out on purpose: the page lists what was done, not the notes.
    """
    pack = school.rules
    labels = {t.key: t.label for t in pack.response_types}
    events = list(
        with_first_answer(ThresholdEvent.objects.filter(student=pupil, term=term)).order_by(
            "reached_on", "pk"
        )
    )
    deadlines = Deadlines(school)
    activities = (
        with_history(ResponseActivity.objects.filter(school=school, student=pupil))
        .filter(
            Q(threshold_event__in=events)
            | Q(threshold_event__isnull=True, happened_on__range=(term.start, term.end))
        )
        .defer("notes")
        .order_by("happened_on", "recorded_at", "pk")
    )

    def shown(activity: ResponseActivity) -> dict[str, Any]:
        replaced = activity.replaced_by
        state = "" if replaced is None else "Withdrawn" if replaced.withdrawn else "Corrected"
        return {
            "type": labels.get(activity.response_type, activity.response_type),
            "description": activity.description_text,
            "happened_on": activity.happened_on,
            "done_by": activity.done_by,
            # A corrected or withdrawn response is kept and shown, but no longer counts.
            "replaced": state,
            "correction": activity.corrects_id is not None,
            "in_time": deadlines.in_time(
                activity.threshold_event.reached_on if activity.threshold_event else None,
                activity.recorded_at,
            ),
        }

    by_event: dict[int, list[dict[str, Any]]] = {e.pk: [] for e in events}
    other: list[dict[str, Any]] = []
    for activity in activities:
        if activity.threshold_event_id in by_event:
            by_event[activity.threshold_event_id].append(shown(activity))
        else:
            other.append(shown(activity))
    thresholds = {t.key: t for t in pack.thresholds}
    return {
        "events": [
            {
                "event": e,
                "label": thresholds[e.threshold].label
                if e.threshold in thresholds
                else e.threshold,
                "responses": by_event[e.pk],
                **_timeliness(deadlines, e, today),
            }
            for e in events
        ],
        "other": other,
        "due_hours": pack.response_due_hours,
    }
