"""The student page: the standing, the register as a calendar, caregivers, and the audit log."""

import re
from datetime import date

from stepwise.audit.models import AuditEvent
from stepwise.schools.models import Enrolment
from stepwise.standings.selectors import current_term

URL = "/schools/NZ-0427/students/100000001/"


def test_it_shows_the_standing(officer_client):
    response = officer_client.get(URL, {"term": "2026T4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Aroha Ngata</h1>' in html
    assert '<strong class="govuk-tag govuk-tag--red">Serious concern</strong>' in html
    assert "29 days" in html
    assert "Chronic absence" in html
    assert re.search(r"Justified, absent or counted as present</dt>\s*<dd [^>]*>36 half-days", html)
    assert re.search(r"Unjustified absence</dt>\s*<dd [^>]*>22 half-days", html)
    assert re.search(
        r"15 days absent this term</dt>\s*<dd [^>]*>\s*Reached on <time datetime=\"2026-11-02\"",
        html,
    )


def test_a_threshold_not_reached_says_so(officer_client):
    html = officer_client.get("/schools/NZ-0427/students/100000003/?term=2026T4").content.decode()
    assert re.search(r"10 days absent this term</dt>\s*<dd [^>]*>\s*Not reached", html)


def test_the_calendar_shows_each_session_code_with_a_description(officer_client):
    html = officer_client.get(URL, {"term": "2026T4"}).content.decode()
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s" id="register-caption">'
        in html
    )
    assert '<th scope="col" class="govuk-table__header">Tuesday</th>' in html
    assert '<th scope="row" class="govuk-table__header sw-calendar__week">12 Oct</th>' in html
    assert (
        '<span class="sw-mark sw-mark--justified"><span aria-hidden="true">M</span>'
        '<span class="govuk-visually-hidden">Tuesday 13 October, morning: M, Illness or medical '
        "(justified absence)</span></span>"
    ) in html
    assert "Thursday 15 October, afternoon: T, Truant: no explanation (unjustified absence)" in html
    assert "Monday 26 October: school closed, Public holiday: Labour Day" in html
    # Days after the last mark have no code yet, and say so.
    assert 'sw-mark--unmarked"><span aria-hidden="true">–</span>' in html


def test_the_calendar_has_a_key(officer_client):
    html = officer_client.get(URL, {"term": "2026T4"}).content.decode()
    for label in (
        "Present",
        "Present, not in class",
        "Justified absence",
        "Unjustified absence",
        "No mark",
        "School closed",
    ):
        assert f"<strong>{label}</strong>" in html
    # X, not required at school (exam leave), is left out of New Zealand's counts.
    assert "<strong>Not counted</strong>" in html
    assert "M: Illness or medical" in html


def test_a_present_student_is_green_every_day(officer_client):
    html = officer_client.get("/schools/NZ-0427/students/100000004/?term=2026T4").content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Good</strong>' in html
    assert "Monday 12 October, morning: P, Present (present)" in html
    assert 'sw-mark--unjustified"' not in html


def test_it_lists_the_caregivers(officer_client):
    html = officer_client.get(URL, {"term": "2026T4"}).content.decode()
    assert "Hine Ngata" in html
    assert "Rawiri Ngata" in html
    assert '<a class="govuk-link" href="mailto:hine@example.org">' in html
    assert '<a class="govuk-link" href="tel:0210000001">021 000 0001</a>' in html
    assert "Preferred language: mi" in html


def test_it_writes_one_audit_entry_per_view(officer_client, officer, students, school):
    assert AuditEvent.objects.count() == 0
    officer_client.get(URL, {"term": "2026T4"})
    assert AuditEvent.objects.count() == 1
    officer_client.get(URL, {"term": "2026T3"})
    events = list(AuditEvent.objects.order_by("pk"))
    assert len(events) == 2
    for event in events:
        assert event.user == officer
        assert event.action == "view"
        assert event.object_type == "student"
        assert event.object_id == str(students["Aroha"].pk)
        assert event.organisation == school.organisation


def test_the_standings_page_is_one_list_entry_not_a_view_of_each_student(officer_client):
    officer_client.get("/schools/NZ-0427/terms/2026T4/")
    (entry,) = AuditEvent.objects.all()
    assert entry.action == "list"
    assert not AuditEvent.objects.filter(action="view").exists()


def test_without_a_term_it_shows_the_current_one(officer_client, school):
    html = officer_client.get(URL).content.decode()
    assert f"Attendance in {current_term(school).name}" in html


def test_a_term_before_enrolment_says_so(officer_client, students):
    Enrolment.objects.filter(student=students["Aroha"]).update(enrolled_from=date(2026, 10, 12))
    response = officer_client.get(URL, {"term": "2026T3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aroha Ngata was not enrolled at Kōwhai College during Term 3 2026." in html
    assert "register-caption" not in html
    assert AuditEvent.objects.count() == 1


def test_it_switches_terms(officer_client):
    html = officer_client.get(URL, {"term": "2026T4"}).content.decode()
    assert 'href="/schools/NZ-0427/students/100000001/?term=2026T3">Term 3 2026</a>' in html
