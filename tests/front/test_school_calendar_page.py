"""A school admin changes the school's calendar on its calendar page.

The page runs the same services as `stepwise calendar`: each change audited and its term
recounted; a date outside the jurisdiction's range refused, naming the field.
"""

import pytest
from django.urls import reverse

from stepwise.accounts.models import Membership
from stepwise.audit.models import AuditEvent
from stepwise.onboarding.organisations import school_setup
from stepwise.schools.models import ClosureDay
from tests.conftest import TODAY
from tests.referrals.conftest import add_member


@pytest.fixture
def admin_user(school):
    return add_member("schooladmin", school.organisation, Membership.Role.SCHOOL_ADMIN)


def test_a_school_admin_closes_a_teacher_only_day(login, school, admin_user):
    url = reverse("school_calendar", args=[school.code])
    client = login(admin_user)
    page = client.get(url).content.decode()
    assert "Term dates and closure days" in page and "Term 4 2026" in page
    answer = client.post(
        url,
        {"action": "close", "day_day": "4", "day_month": "12", "day_year": "2026",
         "reason": "Teacher-only day"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert ClosureDay.objects.get(school=school, date="2026-12-04").reason == "Teacher-only day"
    audit = AuditEvent.objects.get(object_type="calendar")
    assert audit.username == "schooladmin"
    shown = client.get(url).content.decode()
    assert f"{school.name} is closed on Friday 4 December 2026: Teacher-only day" in shown


def test_a_term_start_outside_the_ministrys_range_is_refused_naming_the_field(
    login, school, admin_user
):
    url = reverse("term_dates", args=[school.code, "2027T1"])
    client = login(admin_user)
    answer = client.post(
        url,
        {"start_day": "18", "start_month": "1", "start_year": "2027",
         "end_day": "16", "end_month": "4", "end_year": "2027"},
    )  # fmt: skip
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "There is a problem" in page
    assert 'href="#start"' in page
    assert "between 1 February 2027 and 3 February 2027" in page
    assert not AuditEvent.objects.filter(object_type="calendar").exists()


def test_an_officer_cannot_change_the_calendar(login, school, officer):
    answer = login(officer).get(reverse("school_calendar", args=[school.code]))
    assert answer.status_code == 403


def test_a_school_admin_closes_an_afternoon_and_sees_it_listed(login, school, admin_user):
    url = reverse("school_calendar", args=[school.code])
    client = login(admin_user)
    answer = client.post(
        url,
        {"action": "close", "day_day": "4", "day_month": "12", "day_year": "2026",
         "session": "PM", "reason": "Staff meeting"},
    )  # fmt: skip
    assert answer.status_code == 302
    closure = ClosureDay.objects.get(school=school, date="2026-12-04")
    assert (closure.session, closure.reason) == ("PM", "Staff meeting")
    page = client.get(url).content.decode()
    assert "Afternoon" in page and "Staff meeting" in page
    assert 'Reopen<span class="govuk-visually-hidden"> 4 December 2026, afternoon' in page
    audit = AuditEvent.objects.get(object_type="calendar")
    assert audit.detail.startswith("Closed 2026-12-04 PM")


def test_a_session_that_is_neither_morning_nor_afternoon_is_refused(login, school, admin_user):
    url = reverse("school_calendar", args=[school.code])
    answer = login(admin_user).post(
        url,
        {"action": "close", "day_day": "4", "day_month": "12", "day_year": "2026",
         "session": "EVENING", "reason": "Staff meeting"},
    )  # fmt: skip
    page = answer.content.decode()
    assert answer.status_code == 200
    assert 'href="#session"' in page
    assert "Select the whole day, the morning or the afternoon" in page
    assert not ClosureDay.objects.filter(school=school, date="2026-12-04").exists()


def test_a_half_term_week_reads_as_one_line_and_each_day_can_still_reopen(login, db):
    kent = school_setup(code="KT-9", name="Oakfield Primary", pack="kent", today=TODAY)
    admin = add_member("kentadmin", kent.organisation, Membership.Role.SCHOOL_ADMIN)
    url = reverse("school_calendar", args=[kent.code])
    client = login(admin)
    page = client.get(url).content.decode()
    assert page.count("Monday 26 October to Friday 30 October 2026") == 1
    assert "Tuesday 27 October 2026</th>" not in page  # no row of its own
    assert 'id="reopen-2026-10-27"' in page  # its form, inside the week's details

    answer = client.post(url, {"action": "reopen", "day": "2026-10-27", "reason": "Open day"})
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert "Tuesday 27 October 2026</th>" not in page
    assert "Monday 26 October 2026</th>" in page  # a run of one is a row of its own
    assert "Wednesday 28 October to Friday 30 October 2026" in page
