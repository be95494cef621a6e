"""The threshold queue, recording responses, and the school's Descriptions.

Who may do what (every school is looked up through stepwise.schools.access, so
staff of another school get 404):
- attendance officers use the queue and record responses;
- school leaders and admins see the queue and the recorded responses, read-only
  (a POST from them is refused with 403);
- school admins (and the organisation's admins) manage the Descriptions.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from stepwise.accounts.access import has_school_role, require_school_role
from stepwise.accounts.models import Membership
from stepwise.accounts.views import PREVIOUS_SIGN_IN
from stepwise.audit.services import audit_list, audit_record
from stepwise.register.selectors import pending_evaluation, register_version
from stepwise.rules.pack import Pack
from stepwise.schools.access import get_school_for_user, get_student_for_user
from stepwise.schools.models import School, Student, Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import current_term
from stepwise.web.names import display_name
from stepwise.web.paging import paginate

from .forms import (
    BulkResponseForm,
    CorrectionForm,
    DescriptionForm,
    NewDescriptionForm,
    OneResponseForm,
    WithdrawalForm,
)
from .models import Description, ResponseActivity
from .selectors import (
    CACHE_SECONDS,
    STATUSES,
    QueueRow,
    all_descriptions,
    cache_key,
    current_descriptions,
    queue_item,
    queue_rows,
    responses_version,
    student_events,
    student_responses,
    term_of,
    term_responses,
    unanswered_events,
)
from .services import (
    ResponseError,
    description_add,
    description_move,
    description_rename,
    description_retire,
    response_check_many,
    response_correct,
    response_record,
    response_record_many,
    response_withdraw,
)
from .timeliness import Deadlines

R = Membership.Role
RESPONDERS = (R.ATTENDANCE_OFFICER,)
DESCRIPTION_ADMINS = (R.SCHOOL_ADMIN, R.ORG_ADMIN)
ROWS_PER_PAGE = 100
STATUS_LABELS = {"due": "Due", "overdue": "Overdue", "critical": "Critical"}
STATUS_COLOURS = {"due": "blue", "overdue": "orange", "critical": "red"}


def _now() -> datetime:
    """Return the current time (tests pin the clock by replacing this)."""
    return timezone.now()


def _school_term(request: HttpRequest, code: str) -> tuple[School, Term, datetime, date]:
    school = get_school_for_user(request.user, code)
    prefetch_related_objects([school], "terms")
    now = _now()
    today = timezone.localdate(now)
    term = current_term(school, today)
    if term is None:
        raise Http404("The school has no terms")
    return school, term, now, today


def _user_name(request: HttpRequest) -> str:
    user = request.user
    return display_name(user)


def _audit_recorded(
    request: HttpRequest, school: School, activities: list[ResponseActivity]
) -> None:
    # One entry per child: recording a response changes that child's record.
    for activity in activities:
        audit_record(
            request=request,
            organisation=school.organisation,
            action="change",
            object_type="student",
            object_id=activity.student_id,
            detail=f"{school.code} response {activity.pk} recorded: {activity.response_type}",
        )


def _show_error(form: Any, error: ResponseError) -> None:
    field = error.field
    if field == "description":
        field = form.description_field(form.cleaned_data.get("response_type", ""))
    form.add_error(field if field in form.fields else None, str(error))


def _response_context(form: Any, pack: Pack) -> dict[str, Any]:
    """Return what the response fields template needs, for either form."""
    types = []
    for t in pack.response_types:
        name = form.description_field(t.key)
        types.append(
            {
                "type": t,
                "checked": form["response_type"].value() == t.key,
                "select": form[name] if name else None,
                "choices": form.descriptions.get(t.key, []),
            }
        )
    value = form["happened_on"].value()
    if isinstance(value, date):
        parts = [value.day, value.month, value.year]
    else:
        parts = list(value or ["", "", ""])
    return {
        "response_types": types,
        "date_parts": dict(zip(("day", "month", "year"), parts, strict=True)),
    }


# --- The queue -----------------------------------------------------------------------


@login_required
def queue(request: HttpRequest, code: str) -> HttpResponse:
    """Show the term's queue, 100 rows to a page; officers tick rows to record one response.

    While the queue has not changed (see selectors), its counts and the events each
    set of filters shows come from the cache, and so does each page's table, rendered
    once per queue version, filters, page and kind of user.
    """
    school, term, now, today = _school_term(request, code)
    if request.method == "POST":
        require_school_role(request.user, school, RESPONDERS)  # leaders read, never write
    can_record = has_school_role(request.user, school, RESPONDERS)
    pack = school.rules
    version = f"{register_version(school)}|{responses_version(term)}"
    # Filters: each ignores a value it does not recognise rather than failing (the
    # year level, one that nobody waiting is in: see _queue_view).
    threshold = request.GET.get("threshold", "")
    if threshold not in {t.key for t in pack.thresholds}:
        threshold = ""
    status = request.GET.get("status", "")
    if status not in STATUSES:
        status = ""
    year = request.GET.get("year", "")
    if not year.isdigit():
        year = ""
    view = _queue_view(school, term, today, version, threshold, status, year)
    year = view.year
    since = _previous_sign_in(request)
    new = _new_since(term, since or timezone.make_aware(datetime.combine(today, time.min)))
    only_new = request.GET.get("new") == "1"
    shown = [pk for pk in view.shown if pk in new] if only_new else view.shown
    paging = paginate(request, shown, ROWS_PER_PAGE)
    page = paging["page"]

    form = None
    if can_record:
        form = BulkResponseForm(
            request.POST or None,
            events=ThresholdEvent.objects.filter(
                term=term, status=ThresholdEvent.Status.ACTIVE
            ).select_related("student", "term"),
            first_event=f"event-{page.object_list[0]}" if shown else "",
            pack=pack,
            descriptions=current_descriptions(school),
            term=term,
            today=today,
            initial={"done_by": _user_name(request), "happened_on": today},
        )
        if request.method == "POST":
            answered = _record_many(request, school, term, form, now)
            if answered is not None:
                return answered

    ticked = set(form["events"].value() or []) if form is not None and form.is_bound else set()
    rows_html = ""
    if page.object_list:
        # Ticks come back only from a refused POST: that page is rendered as it was sent.
        key = cache_key(
            "rows", school, term, today, version, threshold, status, year,
            sorted(new) if only_new else "", page.number, can_record,
        )  # fmt: skip
        rows_html = "" if ticked else cache.get(key, "")
        if not rows_html:
            by_event = {r.event_pk: r for r in queue_rows(school, term, today, version=version)}
            rows = [by_event[pk] for pk in page.object_list]
            rows_html = _queue_rows_html(school, term, rows, can_record, ticked)
            if not ticked:
                cache.set(key, rows_html, CACHE_SECONDS)
    context: dict[str, Any] = {
        "school": school,
        "term": term,
        "pack": pack,
        "today": today,
        "can_record": can_record,
        "pending_evaluation": pending_evaluation(term),
        "total": view.total,
        "filtered": len(shown),
        "work": {
            "critical": view.by_status.get("critical", 0),
            "overdue": view.by_status.get("overdue", 0),
            "due_today": view.due_today,
            "due_later": view.by_status.get("due", 0) - view.due_today,
            "new": len(new),
            "since": _when(since) if since else "",
        },
        "threshold_counts": [(t, view.by_threshold.get(t.key, 0)) for t in pack.thresholds],
        "status_counts": [
            (key, STATUS_LABELS[key], STATUS_COLOURS[key], view.by_status.get(key, 0))
            for key in STATUSES
        ],
        "filters": {"threshold": threshold, "status": status, "year": year, "new": only_new},
        "filtering": bool(threshold or status or year or only_new),
        "year_levels": view.year_levels,
        **paging,
        "rows_html": rows_html,
        "form": form,
        "critical_days": pack.response_critical_days,
        "due_hours": pack.response_due_hours,
    }
    if form is not None:
        context["response_fields_html"] = _response_fields_html(school, term, today, form)
    audit_list(
        request=request,
        organisation=school.organisation,
        listing="queue",
        owner=school.code,
        detail=term.key,
        students=[view.students[pk] for pk in page.object_list],
    )
    return render(request, "responses/queue.html", context)


def _record_many(
    request: HttpRequest, school: School, term: Term, form: BulkResponseForm, now: datetime
) -> HttpResponse | None:
    """Answer the bulk form: ask to confirm, then record; None shows the queue again.

    The first valid POST only checks and shows what would be saved (how many, who);
    the confirmation carries the same fields with `confirmed`. "Go back and change"
    (`change`) shows the queue as it was sent, ticks and all.
    """
    if "change" in request.POST or not form.is_valid():
        return None
    data = form.cleaned_data
    values = {
        "school": school,
        "threshold_events": sorted(data["events"], key=lambda e: e.pk),
        "response_type": data["response_type"],
        "description": data["description"],
        "happened_on": data["happened_on"],
        "done_by": data["done_by"],
        "notes": data["notes"],
    }
    try:
        if request.POST.get("confirmed") != "yes":
            response_check_many(**values, today=timezone.localdate(now))
            return _confirm_many(request, school, term, values)
        with transaction.atomic():
            activities = response_record_many(
                **values,
                recorded_by=request.user,  # type: ignore[arg-type]
                now=now,
            )
            _audit_recorded(request, school, activities)
    except ResponseError as error:
        _show_error(form, error)
        return None
    count = len(activities)
    messages.success(request, f"Response recorded for {count} student{'s' if count != 1 else ''}")
    return redirect(request.get_full_path())


def _confirm_many(
    request: HttpRequest, school: School, term: Term, values: dict[str, Any]
) -> HttpResponse:
    """Show what the bulk form would record, and for whom, before anything is saved."""
    pack = school.rules
    events = values["threshold_events"]
    kept = [
        (name, value)
        for name, found in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirmed", "change")
        for value in found
    ]
    return render(
        request,
        "responses/queue_confirm.html",
        {
            "school": school,
            "term": term,
            "count": len(events),
            "students": sorted(
                (
                    {
                        "student": e.student,
                        "threshold": _threshold_label(school, e.threshold),
                        "reached_on": e.reached_on,
                    }
                    for e in events
                ),
                key=lambda r: (r["student"].family_name, r["student"].given_name),
            ),
            "type_label": pack.response_type(values["response_type"]).label,
            "description": values["description"],
            "happened_on": values["happened_on"],
            "done_by": values["done_by"],
            "notes": values["notes"],
            "kept": kept,
        },
    )


def _response_fields_html(school: School, term: Term, today: date, form: Any) -> SafeString:
    """Return the bulk form's response fields, rendered.

    Unbound, they depend only on the pack, the school's Descriptions in use (the
    form holds them, read afresh), the term, the day and the officer's name: the
    rendering is cached under all of those.
    """
    pack = school.rules
    context = {"form": form, "term": term, **_response_context(form, pack)}
    if form.is_bound:
        return mark_safe(render_to_string("responses/_response_fields.html", context))
    descriptions = [(key, d.pk, d.text) for key, found in form.descriptions.items() for d in found]
    key = cache_key(
        "fields", school, term, today, pack.key, term.start, term.name,
        form["done_by"].value(), descriptions,
    )  # fmt: skip
    html = cache.get(key)
    if html is None:
        html = render_to_string("responses/_response_fields.html", context)
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)


def _previous_sign_in(request: HttpRequest) -> datetime | None:
    """Return when the user signed in before this session (accounts.views), if known."""
    found = request.session.get(PREVIOUS_SIGN_IN)
    return datetime.fromisoformat(found) if found else None


def _new_since(term: Term, since: datetime) -> set[int]:
    """Return the term's events still waiting for a response that were found after `since`."""
    return set(unanswered_events(term).filter(detected_at__gt=since).values_list("pk", flat=True))


def _when(moment: datetime) -> str:
    """Return a moment as the page says it: "Fri 13 Nov, 3:00pm"."""
    local = timezone.localtime(moment)
    return f"{local:%a %-d %b}, {local:%-I:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


@dataclass
class QueueView:
    """The queue as one set of filters shows it (plain data: cacheable)."""

    total: int
    by_threshold: Counter[str]
    by_status: Counter[str]
    due_today: int  # due, and the end of today is the end of its hours
    year_levels: list[int]
    year: str  # the year level filter, "" when nobody waiting is in that year
    shown: list[int]  # the events shown, in order
    students: dict[int, int]  # each shown event's student (a page's entry in the audit log)


def _queue_view(
    school: School, term: Term, today: date, version: str, threshold: str, status: str, year: str
) -> QueueView:
    """Return the counts and the events shown for a set of filters, from the cache if it can.

    A page needs only these and its own rows: the whole queue is read again only
    when the queue changed or a page is first asked for.
    """
    key = cache_key("filtered", school, term, today, version, threshold, status, year)
    found: QueueView | None = cache.get(key)
    if found is None:
        queued = queue_rows(school, term, today, version=version)
        keys = [t.key for t in school.rules.thresholds]
        year_levels = sorted({r.year_level for r in queued if r.year_level is not None})
        if year and int(year) not in year_levels:
            year = ""
        shown = [
            r
            for r in queued
            if (not threshold or keys[r.threshold] == threshold)
            and (not status or r.status == status)
            and (not year or r.year_level == int(year))
        ]
        found = QueueView(
            total=len(queued),
            by_threshold=Counter(keys[r.threshold] for r in queued),
            by_status=Counter(r.status for r in queued),
            due_today=sum(r.status == "due" and r.due_by <= today for r in queued),
            year_levels=year_levels,
            year=year,
            shown=[r.event_pk for r in shown],
            students={r.event_pk: r.student_pk for r in shown},
        )
        cache.set(key, found, CACHE_SECONDS)
    return found


def _queue_rows_html(
    school: School, term: Term, rows: list[QueueRow], can_record: bool, ticked: set[str]
) -> SafeString:
    """Return the queue table's rows for one page, rendered (plain HTML: cacheable)."""
    pack = school.rules
    context = {
        "can_record": can_record,
        "rows": [
            {
                "item": item,
                "status_label": STATUS_LABELS[item.status],
                "status_colour": STATUS_COLOURS[item.status],
                "student_url": reverse("student", args=[school.code, item.student.national_id])
                + f"?term={term.key}",
                "record_url": reverse("response_add", args=[school.code, item.student.national_id])
                + f"?event={item.event_pk}",
                "checked": str(item.event_pk) in ticked,
            }
            for item in (queue_item(pack, row) for row in rows)
        ],
    }
    return mark_safe(render_to_string("responses/_queue_rows.html", context))


# --- Recording a response for one student ---------------------------------------------


def _event_choices(school: School, events: Any, form: Any) -> dict[str, Any]:
    """Return what the threshold radios need: each event, its label, and which is chosen."""
    selected = str(form["event"].value() or "")
    return {
        "events": [
            {
                "event": e,
                "threshold": _threshold_label(school, e.threshold),
                "checked": selected == str(e.pk),
            }
            for e in events
        ],
        "no_event_checked": selected == "",
    }


def _one_response_page(
    request: HttpRequest,
    school: School,
    term: Term,
    student: Student,
    form: Any,
    events: Any,
    **extra: Any,
) -> HttpResponse:
    """Show the one-student form (recording or correcting) and the student's history."""
    pack = school.rules
    context = {
        "school": school,
        "term": term,
        "pack": pack,
        "student": student,
        "student_url": reverse("student", args=[school.code, student.national_id])
        + f"?term={term.key}",
        "form": form,
        **_event_choices(school, events, form),
        "earlier": _activity_rows(school, student_responses(school, student)[:50], can_change=True),
        "due_hours": pack.response_due_hours,
        **_response_context(form, pack),
        **extra,
    }
    return render(request, "responses/response_add.html", context)


def _audit_read(request: HttpRequest, school: School, student: Student, detail: str) -> None:
    # Opening the form shows the child's thresholds and responses: a read of their record.
    audit_record(
        request=request,
        organisation=school.organisation,
        action="view",
        object_type="student",
        object_id=student.pk,
        detail=f"{school.code} {detail}",
    )


@login_required
def response_add(request: HttpRequest, code: str, national_id: str) -> HttpResponse:
    school, term, now, today = _school_term(request, code)
    require_school_role(request.user, school, RESPONDERS)
    student = get_student_for_user(request.user, school, national_id)
    events = student_events(student, term).select_related("term")
    chosen = request.GET.get("event", "")
    initial: dict[str, Any] = {"done_by": _user_name(request), "happened_on": today}
    if chosen.isdigit() and any(e.pk == int(chosen) for e in events):
        initial["event"] = int(chosen)
    form = OneResponseForm(
        request.POST or None,
        events=events,
        pack=school.rules,
        descriptions=current_descriptions(school),
        term=term,
        today=today,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                activity = response_record(
                    school=school,
                    student=student,
                    threshold_event=data["event"],
                    response_type=data["response_type"],
                    description=data["description"],
                    happened_on=data["happened_on"],
                    done_by=data["done_by"],
                    notes=data["notes"],
                    recorded_by=request.user,  # type: ignore[arg-type]
                    now=now,
                )
                _audit_recorded(request, school, [activity])
        except ResponseError as error:
            _show_error(form, error)
        else:
            messages.success(request, f"Response recorded for {student.full_name}")
            return redirect("queue", code=school.code)
    if request.method == "GET":
        _audit_read(request, school, student, f"{term.key} record a response")
    return _one_response_page(request, school, term, student, form, events)


# --- Correcting and withdrawing a response -----------------------------------------------


def _changeable(request: HttpRequest, code: str, pk: int) -> tuple[School, ResponseActivity]:
    """Return a response an officer of its school may correct or withdraw; 404 otherwise."""
    school = get_school_for_user(request.user, code)
    require_school_role(request.user, school, RESPONDERS)
    found = (
        ResponseActivity.objects.filter(school=school, pk=pk, withdrawn=False)
        .select_related("student", "threshold_event__term", "school")
        .first()
    )
    if found is None:
        raise Http404("No such response")
    get_student_for_user(request.user, school, found.student.national_id)
    return school, found


def _history_url(school: School, activity: ResponseActivity) -> str:
    return reverse("response_add", args=[school.code, activity.student.national_id])


def _audit_changed(
    request: HttpRequest, school: School, replacement: ResponseActivity, done: str
) -> None:
    audit_record(
        request=request,
        organisation=school.organisation,
        action="change",
        object_type="student",
        object_id=replacement.student_id,
        detail=f"{school.code} response {replacement.corrects_id} {done} by {replacement.pk}",
    )


@login_required
def response_correct_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    school, activity = _changeable(request, code, pk)
    now = _now()
    today = timezone.localdate(now)
    term = term_of(activity) or current_term(school, today)
    if term is None:
        raise Http404("The school has no terms")
    events = student_events(activity.student, term).select_related("term")
    form = CorrectionForm(
        request.POST or None,
        events=events,
        pack=school.rules,
        descriptions=current_descriptions(school),
        term=term,
        today=today,
        initial={
            "event": activity.threshold_event_id,
            "response_type": activity.response_type,
            f"description_{activity.response_type}": activity.description_id,
            "happened_on": activity.happened_on,
            "done_by": activity.done_by,
            "notes": activity.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                correction = response_correct(
                    activity=activity,
                    by=request.user,  # type: ignore[arg-type]
                    threshold_event=data["event"],
                    response_type=data["response_type"],
                    description=data["description"],
                    happened_on=data["happened_on"],
                    done_by=data["done_by"],
                    notes=data["notes"],
                    reason=data["reason"],
                    now=now,
                )
                _audit_changed(request, school, correction, "corrected")
        except ResponseError as error:
            _show_error(form, error)
        else:
            messages.success(
                request, f"Correction recorded for {activity.student.full_name}: the original stays"
            )
            return redirect(_history_url(school, activity))
    if request.method == "GET":
        _audit_read(request, school, activity.student, f"correct response {activity.pk}")
    return _one_response_page(
        request,
        school,
        term,
        activity.student,
        form,
        events,
        correcting=_activity_rows(school, [activity])[0],
    )


@login_required
def response_withdraw_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    school, activity = _changeable(request, code, pk)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                withdrawal = response_withdraw(
                    activity=activity,
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                    now=_now(),
                )
                _audit_changed(request, school, withdrawal, "withdrawn")
        except ResponseError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error))
        else:
            messages.success(
                request,
                f"Response withdrawn for {activity.student.full_name}: it stays on record "
                "and no longer answers a threshold",
            )
            return redirect(_history_url(school, activity))
    if request.method == "GET":
        _audit_read(request, school, activity.student, f"withdraw response {activity.pk}")
    return render(
        request,
        "responses/response_withdraw.html",
        {
            "school": school,
            "form": form,
            "row": _activity_rows(school, [activity])[0],
            "back_url": _history_url(school, activity),
        },
    )


def _threshold_label(school: School, key: str) -> str:
    try:
        return school.rules.threshold(key).label
    except KeyError:
        return key


def _activity_rows(
    school: School, activities: Any, *, can_change: bool = False
) -> list[dict[str, Any]]:
    """Return each response as the history shows it: what replaced it, and what may be done."""
    pack = school.rules
    labels = {t.key: t.label for t in pack.response_types}
    deadlines = Deadlines(school)
    rows = []
    for a in activities:
        replaced = a.replaced_by
        stands = replaced is None
        changeable = can_change and stands and getattr(a, "sent_letter", None) is None
        rows.append(
            {
                "activity": a,
                "type_label": labels.get(a.response_type, a.response_type),
                "threshold": _threshold_label(school, a.threshold_event.threshold)
                if a.threshold_event
                else "",
                # Recorded by its threshold's due day (None: it answers no threshold).
                "on_time": deadlines.in_time(
                    a.threshold_event.reached_on if a.threshold_event else None, a.recorded_at
                ),
                "recorded_on": deadlines.recorded_on(a.recorded_at),
                "replaced": replaced,
                "stands": stands,
                "correct_url": reverse("response_correct", args=[school.code, a.pk])
                if changeable
                else "",
                "withdraw_url": reverse("response_withdraw", args=[school.code, a.pk])
                if changeable
                else "",
            }
        )
    return rows


@login_required
def responses(request: HttpRequest, code: str) -> HttpResponse:
    school, term, _, _ = _school_term(request, code)
    paging = paginate(request, term_responses(school, term), ROWS_PER_PAGE)
    page = paging["page"]
    audit_list(
        request=request,
        organisation=school.organisation,
        listing="responses",
        owner=school.code,
        detail=term.key,
        students=[activity.student_id for activity in page.object_list],
    )
    can_change = has_school_role(request.user, school, RESPONDERS)
    context = {
        "school": school,
        "term": term,
        "pack": school.rules,
        **paging,
        "rows": _activity_rows(school, page.object_list, can_change=can_change),
        "can_change": can_change,
        "due_hours": school.rules.response_due_hours,
    }
    return render(request, "responses/responses.html", context)


# --- Descriptions ------------------------------------------------------------------------


def _admin_school(request: HttpRequest, code: str) -> School:
    school = get_school_for_user(request.user, code)
    require_school_role(request.user, school, DESCRIPTION_ADMINS)
    return school


def _get_description(school: School, pk: int) -> Description:
    found = school.descriptions.filter(pk=pk).first()
    if found is None:
        raise Http404("No such description")
    return found


def _descriptions_url(school: School, key: str) -> str:
    return reverse("descriptions", args=[school.code]) + f"#type-{key}"


@login_required
def descriptions(request: HttpRequest, code: str) -> HttpResponse:
    school = _admin_school(request, code)
    found = all_descriptions(school)
    context = {
        "school": school,
        "pack": school.rules,
        "types": [
            {"type": t, "descriptions": found.get(t.key, [])} for t in school.rules.response_types
        ],
    }
    return render(request, "responses/descriptions.html", context)


@login_required
def description_new(request: HttpRequest, code: str) -> HttpResponse:
    school = _admin_school(request, code)
    pack = school.rules
    form = NewDescriptionForm(
        request.POST or None, pack=pack, initial={"response_type": request.GET.get("type", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = description_add(
                school=school,
                response_type=form.cleaned_data["response_type"],
                text=form.cleaned_data["text"],
            )
        except ResponseError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, f"Description added: {added.text}")
            return redirect(_descriptions_url(school, added.response_type))
    chosen = form["response_type"].value()
    context = {
        "school": school,
        "pack": pack,
        "form": form,
        "types": [{"type": t, "checked": chosen == t.key} for t in pack.response_types],
    }
    return render(request, "responses/description_new.html", context)


@login_required
def description_rename_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    school = _admin_school(request, code)
    found = _get_description(school, pk)
    old = found.text
    form = DescriptionForm(request.POST or None, initial={"text": found.text})
    if request.method == "POST" and form.is_valid():
        try:
            description_rename(description=found, text=form.cleaned_data["text"])
        except ResponseError as error:
            form.add_error("text", str(error))
        else:
            messages.success(
                request,
                f"Description renamed to ‘{found.text}’. "
                "Responses already recorded keep the wording they were recorded with.",
            )
            return redirect(_descriptions_url(school, found.response_type))
    context = {
        "school": school,
        "description": found,
        "old_text": old,
        "type_label": school.rules.response_type(found.response_type).label
        if found.response_type in {t.key for t in school.rules.response_types}
        else found.response_type,
        "form": form,
    }
    return render(request, "responses/description_rename.html", context)


@login_required
@require_POST
def description_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    school = _admin_school(request, code)
    found = _get_description(school, pk)
    action = request.POST.get("action", "")
    if action in ("retire", "unretire"):
        description_retire(description=found, retired=action == "retire")
        done = "retired" if action == "retire" else "brought back"
        messages.success(request, f"‘{found.text}’ {done}")
    elif action in ("up", "down"):
        description_move(description=found, direction=action)
        messages.success(request, f"‘{found.text}’ moved {action}")
    else:
        return HttpResponse("Unknown action", status=400)
    return redirect(_descriptions_url(school, found.response_type))
