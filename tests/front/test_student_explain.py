"""Every figure on the student page can show how it was worked out, and it adds up.

The explanation beside a figure lists the sessions behind it; a test counts them
on the page and holds them to the engine's own figure for each fixture student.
"""

import re
from datetime import date

import pytest
from django.utils import timezone

from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.rules.explain import enrolled_days, explain
from stepwise.schools.models import School
from stepwise.standings.selectors import term_register

from .conftest import TODAY, add_user, csv_bytes, school_days

URL = "/schools/NZ-0427/students/{}/?term=2026T4"
NATIONAL_IDS = ["100000001", "100000002", "100000003", "100000004"]
COUNTS = ("possible", "present", "absent", "justified", "unjustified")


def _details(html: str) -> dict[str, str]:
    """Return each "How is this worked out?" block on the page by its figure's key."""
    return dict(
        re.findall(
            r'<details class="govuk-details sw-explain" id="explain-([\w-]+)">(.*?)</details>',
            html,
            re.S,
        )
    )


def _listed(block: str) -> int:
    return len(re.findall(r"<li><time ", block))


def _row_in(school: School, term_key: str, national_id: str):
    """Return the term's register as the page evaluates it, and the student's row in it."""
    term = next(t for t in school.terms.all() if t.key == term_key)
    register = term_register(school, term, as_of=timezone.localdate())
    rows = [s.national_id for s in register.students]
    return register, rows.index(national_id)


def _row(school: School, national_id: str):
    return _row_in(school, "2026T4", national_id)


@pytest.mark.parametrize("national_id", NATIONAL_IDS)
def test_every_figure_has_an_explanation_that_adds_up(officer_client, school, national_id):
    html = officer_client.get(URL.format(national_id)).content.decode()
    blocks = _details(html)
    register, i = _row(school, national_id)
    row = register.standings.row(i)
    for key in (*COUNTS, "days_absent", "attendance_percent", "tier", "band", "forecast"):
        assert key in blocks, key
    for key in COUNTS:
        assert _listed(blocks[key]) == row[key], key
    assert _listed(blocks["days_absent"]) == 2 * row["days_absent"]
    for t in school.rules.thresholds:
        block = blocks[f"threshold-{t.key}"]
        if row["thresholds"][t.key]:
            assert _listed(block) == t.sessions
            assert "(reached the threshold)" in block
            last = re.findall(r'<li><time datetime="([\d-]+)"', block)[-1]
            assert last == row["thresholds"][t.key]
        else:
            assert "not reached" in block
    if row["unmarked"]:
        assert _listed(blocks["unmarked"]) == row["unmarked"]


@pytest.mark.parametrize("national_id", NATIONAL_IDS)
def test_the_explanations_agree_with_the_engine(school, national_id):
    register, i = _row(school, national_id)
    row = register.standings.row(i)
    info = register.students[i]
    explained = explain(
        register.pack,
        register.calendar,
        register.marks[i],
        term="2026T4",
        as_of=timezone.localdate(),
        enrolled=enrolled_days(register.calendar, info.enrolled_from, info.enrolled_to),
    )
    for key in (*COUNTS, "unmarked", "days_absent", "attendance_percent", "tier", "band"):
        assert explained[key].value == row[key], key
    for key, reached in row["thresholds"].items():
        value = explained[f"threshold-{key}"].value
        assert (value.isoformat() if value else None) == reached


def test_days_absent_shows_the_rule_and_the_sessions(officer_client):
    html = officer_client.get(URL.format("100000001")).content.decode()
    block = _details(html)["days_absent"]
    assert '<span class="govuk-details__summary-text">How is this worked out?' in block
    assert "Days absent are the absent half-days divided by two" in block
    assert "58 absent half-days ÷ 2 = 29 days" in block
    assert "<li>M: Illness or medical</li>" in block
    assert "<li>T: Truant: no explanation</li>" in block
    assert (
        '<li><time datetime="2026-10-12">Monday 12 October 2026, morning</time>: M</li>'
    ) in block
    assert "Rule from the New Zealand rule pack, which relies on:" in block
    assert "Recording response activities at Attendance Management Plan thresholds" in block


def test_a_threshold_shows_the_session_that_reached_it(officer_client):
    html = officer_client.get(URL.format("100000001")).content.decode()
    block = _details(html)["threshold-amp5"]
    # Whole days absent from Monday 12 October: the 10th half-day is Friday's afternoon.
    assert "The 10th of the absent half-days was Friday 16 October 2026, afternoon" in block
    assert (
        '<li><time datetime="2026-10-16">Friday 16 October 2026, afternoon</time>: T '
        "<strong>(reached the threshold)</strong></li>"
    ) in block
    assert "AMP thresholds count all absences" in block  # the pack's own note


def test_a_student_with_no_absence_has_nothing_to_list(officer_client):
    html = officer_client.get(URL.format("100000004")).content.decode()
    blocks = _details(html)
    assert _listed(blocks["absent"]) == 0
    assert "0 absent half-days ÷ 2 = 0 days" in blocks["days_absent"]
    assert "0 days absent: Good" in blocks["tier"]


@pytest.fixture
def kent_school(db):
    """A Kent school whose pupil took a fortnight's unauthorised holiday in September."""
    school = school_setup(code="KENT-1", name="Oak Academy", pack="kent", today=TODAY)
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,"
            "enrolled_to",
            ["KENT-1,A123456789012,Kai,Hill,2014-05-06,7,2026-09-03,"],
        ),
        file_name="kent-roster.csv",
    )
    marks = []
    for day in school_days(date(2026, 9, 3), TODAY):
        if date(2026, 10, 26) <= day <= date(2026, 10, 30):  # half term
            continue
        away = date(2026, 9, 7) <= day <= date(2026, 9, 18)
        for session, present in (("AM", "/"), ("PM", "\\")):
            marks.append(f"KENT-1,A123456789012,{day},{session},{'G' if away else present}")
    import_register(
        csv_bytes("school_id,student_id,date,session,code", marks), file_name="kent-register.csv"
    )
    user = add_user("kentofficer", school)
    return school, user


def test_a_rolling_threshold_and_a_rate_explain_themselves(client, kent_school):
    school, user = kent_school
    client.force_login(user)
    html = client.get("/schools/KENT-1/students/A123456789012/?term=2026T1").content.decode()
    blocks = _details(html)
    register, i = _row_in(school, "2026T1", "A123456789012")
    row = register.standings.row(i)
    assert row["thresholds"]["penalty_notice"] == "2026-09-11"
    penalty = blocks["threshold-penalty_notice"]
    assert "in the 10 school weeks ending that day come to 10 or more" in penalty
    assert (
        "10 unauthorised sessions in the window ending Friday 11 September 2026: reached" in penalty
    )
    assert _listed(penalty) == 10
    # The ten weeks up to today still hold the holiday's second week: met now.
    assert (
        "In the 10 school weeks up to the latest school day counted there are 10: met now"
        in penalty
    )
    assert row["current"]["penalty_notice"] is True
    kent = blocks["threshold-statutory_intervention"]
    assert "20 unauthorised sessions in the window ending Friday 18 September 2026" in kent
    assert "statutory intervention checklist asks for" in kent  # the pack's own note
    # Nothing unauthorised in the last ten school days: not ongoing, so not met now.
    assert "none in the last 10 school days: not met now" in kent
    assert row["current"]["statutory_intervention"] is False
    # Kent's rules rest on England's sources as well as its own.
    assert "Kent PRU and Attendance Service, Statutory Intervention Checklist" in kent
    assert "Working together to improve school attendance" in kent
    persistent = blocks["rate-persistent"]
    assert "this school year so far are 10% or more of the possible sessions" in persistent
    assert f"20 of {row['possible']} possible sessions" in persistent
    assert _listed(persistent) == 20
    assert "100% − " in blocks["tier"]


def _keys(html: str) -> list[str]:
    return re.findall(r'<dt class="govuk-summary-list__key">([^<]+)</dt>', html)


def test_each_figure_on_the_student_page_is_named_for_what_it_counts(
    officer_client, client, kent_school
):
    # New Zealand's justified total holds codes counted as present (D, I): not "absence".
    nz = _keys(officer_client.get(URL.format("100000001")).content.decode())
    assert "Justified, absent or counted as present" in nz
    assert "Unjustified absence" in nz
    _school, user = kent_school
    client.force_login(user)
    kent = _keys(client.get("/schools/KENT-1/students/A123456789012/").content.decode())
    assert "Authorised absence" in kent and "Unauthorised absence" in kent
