"""A school admin's calendar page: term dates within the allowed range, closure days.

The page does what `stepwise calendar set-term|close|reopen` does, through the same
services: each change audited, its term re-evaluated at once, a day (or one session of
it) with marks closed only once the admin confirms the marks stay on record.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from stepwise.accounts.access import require_school_role
from stepwise.accounts.models import Membership
from stepwise.responses.forms import GovukDateField, GovukForm
from stepwise.rules.days import next_weekday
from stepwise.rules.pack import default_terms, school_year_of
from stepwise.schools.access import get_school_for_user
from stepwise.schools.models import ClosureDay, School, Term
from stepwise.schools.zones import school_today
from stepwise.standings.calendar_changes import (
    CalendarChangeError,
    day_close,
    day_reopen,
    term_set,
)

CALENDAR_ADMINS = (Membership.Role.SCHOOL_ADMIN, Membership.Role.ORG_ADMIN)
REASON_MAX = 200


@dataclass
class ClosureRun:
    """Whole days closed one after another for one reason (a half-term week), or one closure."""

    closures: list[ClosureDay]

    @property
    def first(self) -> ClosureDay:
        return self.closures[0]

    @property
    def last(self) -> ClosureDay:
        return self.closures[-1]


def closure_runs(closures: list[ClosureDay]) -> list[ClosureRun]:
    """Group closures (by date) into runs of whole school days in a row with the same reason,
    so a half-term week reads as one line rather than five."""
    runs: list[ClosureRun] = []
    for closure in closures:
        if runs and _continues(runs[-1].last, closure):
            runs[-1].closures.append(closure)
        else:
            runs.append(ClosureRun([closure]))
    return runs


def _continues(before: ClosureDay, closure: ClosureDay) -> bool:
    return (
        closure.date == next_weekday(before.date)
        and closure.reason == before.reason
        and not closure.session
        and not before.session
    )


class CloseDayForm(GovukForm):
    anchors = {"day": "day"}
    day = GovukDateField(label="Day the school is closed")
    reason = forms.CharField(
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter why the school is closed",
            "max_length": f"Reason must be {REASON_MAX} characters or fewer",
        },
    )
    session = forms.ChoiceField(
        choices=ClosureDay.Session.choices,
        required=False,
        error_messages={"invalid_choice": "Select the whole day, the morning or the afternoon"},
    )
    keep_marks = forms.BooleanField(required=False)


class ReopenForm(GovukForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        error_messages={"required": "Enter why the day is a school day again"},
    )


class TermDatesForm(GovukForm):
    start = GovukDateField(label="First day of the term")
    end = GovukDateField(label="Last day of the term")


def _admin_school(request: HttpRequest, code: str) -> School:
    school = get_school_for_user(request.user, code)
    require_school_role(request.user, school, CALENDAR_ADMINS)
    return school


def _shown_terms(school: School) -> list[Term]:
    year = school_year_of(school.rules, school_today(school))
    return [t for t in school.terms.all() if t.year in (year, year + 1)]


def _parts(value: date | None) -> dict[str, int | None]:
    return {"day": value.day, "month": value.month, "year": value.year} if value else {}


@login_required
def school_calendar(request: HttpRequest, code: str) -> HttpResponse:
    school = _admin_school(request, code)
    close_form = CloseDayForm(request.POST if request.POST.get("action") == "close" else None)
    reopen_errors: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("action") == "close":
        if close_form.is_valid():
            try:
                change = day_close(
                    school=school,
                    day=close_form.cleaned_data["day"],
                    reason=close_form.cleaned_data["reason"],
                    by=request.user,
                    keep_marks=close_form.cleaned_data["keep_marks"],
                    session=close_form.cleaned_data["session"],
                )
            except CalendarChangeError as error:
                field = {"date": "day"}.get(error.field, error.field)
                close_form.add_error(field if field in close_form.fields else None, error.message)
            else:
                messages.success(request, change.summary)
                return redirect("school_calendar", school.code)
    elif request.method == "POST" and request.POST.get("action") == "reopen":
        reopen = ReopenForm(request.POST)
        try:
            day = date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            # Each closure's reopen button sends its day; anything else names no closure.
            raise Http404("No such closed day") from None
        if reopen.is_valid():
            try:
                change = day_reopen(
                    school=school, day=day, reason=reopen.cleaned_data["reason"], by=request.user
                )
            except CalendarChangeError as error:
                reopen_errors[day.isoformat()] = error.message
            else:
                messages.success(request, change.summary)
                return redirect("school_calendar", school.code)
        else:
            reopen_errors[day.isoformat()] = "Enter why the day is a school day again"
    terms = _shown_terms(school)
    closures = [
        c for c in school.closures.order_by("date") if any(t.contains(c.date) for t in terms)
    ]
    context = {
        "school": school,
        "terms": terms,
        "closures": closures,
        "closure_runs": closure_runs(closures),
        "form": close_form,
        "day_parts": _parts(None)
        if not close_form.is_bound
        else {
            "day": request.POST.get("day_day"),
            "month": request.POST.get("day_month"),
            "year": request.POST.get("day_year"),
        },
        "reopen_errors": reopen_errors,
        "needs_confirming": "keep_marks" in close_form.errors,
        "sessions": ClosureDay.Session.choices,
        "chosen_session": close_form["session"].value() or "",
    }
    return render(request, "front/school_calendar.html", context)


@login_required
def term_dates(request: HttpRequest, code: str, term_key: str) -> HttpResponse:
    school = _admin_school(request, code)
    term = next((t for t in school.terms.all() if t.key == term_key), None)
    if term is None:
        raise Http404("No such term")
    form = TermDatesForm(request.POST or None, initial={"start": term.start, "end": term.end})
    if request.method == "POST" and form.is_valid():
        try:
            change = term_set(
                school=school,
                key=term.key,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                by=request.user,
            )
        except CalendarChangeError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, change.summary)
            return redirect(reverse("school_calendar", args=[school.code]))
    usual = next(
        (t for t in default_terms(school.rules, term.year) if t.number == term.number), None
    )
    context = {
        "school": school,
        "term": term,
        "form": form,
        "usual": usual,
        "fixed": not school.rules.calendar.schools_set_dates,
        "start_parts": _posted(request, "start") if form.is_bound else _parts(term.start),
        "end_parts": _posted(request, "end") if form.is_bound else _parts(term.end),
    }
    return render(request, "front/term_dates.html", context)


def _posted(request: HttpRequest, name: str) -> dict[str, str | None]:
    return {p: request.POST.get(f"{name}_{p}") for p in ("day", "month", "year")}
