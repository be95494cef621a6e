"""The AMP dashboard's figures for Rimu College's known register (see conftest.py)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from stepwise.dashboard.selectors import response_coverage
from stepwise.register.importers.register import import_register
from stepwise.responses.models import ResponseActivity
from stepwise.responses.services import response_record
from stepwise.schools.models import TermTarget
from stepwise.standings.models import ThresholdEvent

from .conftest import REGISTER_HEADER, csv_bytes, sign_in, squash

URL = "/schools/NZ-2001/dashboard/"
AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_it_shows_the_regular_attendance_rate_of_each_term_against_its_target(leader_client):
    response = leader_client.get(URL)
    assert response.status_code == 200
    year = response.context["year"]
    # Terms 1-3 have no marks (nobody counted); Term 4: Mere, Sam and Kiri of 8 attend regularly.
    assert [
        (r.term.key, r.regular_percent, float(r.target), r.target_is_default) for r in year
    ] == [
        ("2026T1", None, 80.0, True),
        ("2026T2", None, 80.0, True),
        ("2026T3", None, 80.0, True),
        ("2026T4", 37.5, 80.0, True),
    ]
    figures = response.context["figures"]
    assert (figures.students, figures.counted, figures.regular) == (8, 8, 3)
    html = squash(response.content.decode())
    assert "Government target: 80% of students attending regularly by 2030." in html
    assert "37.5% (3 of 8 students; target 80%, national goal 80%)" in html


def test_the_charts_are_svg_images_with_a_title_and_the_same_figures_in_a_table(leader_client):
    html = leader_client.get(URL).content.decode()
    for title in (
        "Regular attendance by term, 2026",
        "Students in each tier week by week, Term 4 2026",
        "Absence by day of the week, Term 4 2026",
    ):
        assert f">{title}</title>" in html
    assert html.count('role="img"') == 3
    assert html.count('<details class="govuk-details">') >= 3
    assert "<script>" not in html and 'style="' not in html


def test_it_counts_the_tiers_at_the_end_of_each_school_week(leader_client):
    figures = leader_client.get(URL).context["figures"]
    # (week beginning, last day counted, good, worrying, concerning, serious): Tama moves up a
    # tier each week to serious; Ben (Fridays) and Aroha (Mondays) reach 5 days in weeks 5 and 6.
    assert [(w.monday.isoformat(), w.counted_to.isoformat(), *w.tiers) for w in figures.weeks] == [
        ("2026-10-12", "2026-10-16", 7, 1, 0, 0),
        ("2026-10-19", "2026-10-23", 7, 0, 1, 0),
        ("2026-10-26", "2026-10-30", 7, 0, 1, 0),
        ("2026-11-02", "2026-11-06", 7, 0, 0, 1),
        ("2026-11-09", "2026-11-13", 6, 1, 0, 1),
        ("2026-11-16", "2026-11-20", 5, 2, 0, 1),
    ]
    assert figures.tiers == (5, 2, 0, 1)


def test_it_breaks_the_term_down_by_year_level(leader_client):
    figures = leader_client.get(URL).context["figures"]
    # (year level, students, regular %, good, worrying, concerning, serious)
    assert [
        (r.year_level, r.students, r.regular_percent, *r.tiers) for r in figures.year_levels
    ] == [
        (9, 3, 33.3, 1, 2, 0, 0),
        (10, 5, 40.0, 4, 0, 0, 1),
    ]


def test_it_shows_the_monday_and_friday_pattern(leader_client):
    figures = leader_client.get(URL).context["figures"]
    # (day, possible half-days, absent half-days, absence %): 5 open Mondays (Labour Day is
    # closed) and 6 of every other day, for 8 students. Aroha's Mondays and Ben's Fridays stand out.
    assert [(r.name, r.possible, r.absent, r.absent_percent) for r in figures.weekdays] == [
        ("Monday", 80, 20, 25.0),
        ("Tuesday", 96, 12, 12.5),
        ("Wednesday", 96, 12, 12.5),
        ("Thursday", 96, 12, 12.5),
        ("Friday", 96, 19, 19.8),
    ]
    html = leader_client.get(URL).content.decode()
    assert "<title>Mon: 25%</title>" in html
    assert "<title>Fri: 19.8%</title>" in html


@pytest.fixture
def responses(school, students, leader):
    """Answer Rimu College's threshold events in every way the coverage table counts.

    Reached on (due by the end of the second day after): Aroha amp5 Mon 16 Nov (18 Nov),
    Ben amp5 Fri 13 Nov (Sun 15 Nov), Tama amp5 16 Oct, amp10 23 Oct (25 Oct), amp15 Mon
    2 Nov (4 Nov). Stepwise found them all only yesterday: the clock never reads that.
    """
    events = {
        (e.student.given_name, e.threshold): e
        for e in ThresholdEvent.objects.filter(term__school=school).select_related("student")
    }
    assert sorted(events) == [
        ("Aroha", "amp5"),
        ("Ben", "amp5"),
        ("Tama", "amp10"),
        ("Tama", "amp15"),
        ("Tama", "amp5"),
    ]
    ThresholdEvent.objects.filter(term__school=school).update(
        detected_at=timezone.now() - timedelta(days=1)
    )

    def respond(student, event, recorded_on, hour=9):
        ResponseActivity.objects.create(
            school=school,
            student=student,
            threshold_event=event,
            response_type="conversation",
            description_text="Initial conversation with whānau",
            happened_on=min(recorded_on, date(2026, 11, 19)),
            done_by="Ms Officer",
            notes="",
            recorded_by=leader,
            recorded_at=datetime.combine(recorded_on, time(hour), tzinfo=AUCKLAND),
        )

    respond(students["Ben"], events["Ben", "amp5"], date(2026, 11, 15), hour=23)  # in time
    respond(students["Aroha"], events["Aroha", "amp5"], date(2026, 11, 19))  # late
    respond(students["Tama"], events["Tama", "amp15"], date(2026, 11, 4))  # in time
    respond(students["Tama"], None, date(2026, 10, 24))  # not linked: does not count
    # A withdrawn event (the register was corrected) is not counted at all.
    ThresholdEvent.objects.create(
        student=students["Kiri"],
        term=events["Ben", "amp5"].term,
        threshold="amp5",
        reached_on=date(2026, 10, 16),
        status=ThresholdEvent.Status.WITHDRAWN,
        detected_at=timezone.now(),
        withdrawn_at=timezone.now(),
    )


def test_it_measures_response_coverage_from_the_day_each_threshold_was_reached(
    leader_client, responses
):
    response = leader_client.get(URL)
    # (threshold, events, on time, late, waiting, missed, coverage %)
    assert [
        (
            r.threshold.key if r.threshold else "all",
            r.events,
            r.on_time,
            r.late,
            r.waiting,
            r.missed,
            r.on_time_percent,
        )
        for r in response.context["coverage"]
    ] == [
        ("amp5", 3, 1, 1, 0, 1, 33.3),
        ("amp10", 1, 0, 0, 0, 1, 0.0),
        ("amp15", 1, 1, 0, 0, 0, 100.0),
        ("all", 5, 2, 1, 0, 2, 40.0),
    ]
    html = squash(response.content.decode())
    assert "within 48 hours of the end of the day the student reached the threshold" in html
    assert "40.0% (2 of 5 threshold events)" in html


def _coverage(page) -> list[tuple]:
    # (threshold, events, on time, late, waiting, missed)
    return [
        (
            r.threshold.key if r.threshold else "all",
            r.events,
            r.on_time,
            r.late,
            r.waiting,
            r.missed,
        )
        for r in page.context["coverage"]
    ]


def test_a_response_recorded_shows_at_once(leader_client, school, students, officer, responses):
    assert _coverage(leader_client.get(URL))[1] == ("amp10", 1, 0, 0, 0, 1)
    event = ThresholdEvent.objects.get(student=students["Tama"], threshold="amp10")
    response_record(
        school=school,
        student=students["Tama"],
        threshold_event=event,
        response_type="monitor",
        description=None,
        happened_on=date(2026, 11, 20),
        done_by="Ms Officer",
        notes="",
        recorded_by=officer,
        now=timezone.now(),
    )
    page = leader_client.get(URL)
    assert _coverage(page)[1] == ("amp10", 1, 0, 1, 0, 0)
    assert _coverage(page)[-1] == ("all", 5, 2, 2, 0, 1)


def test_an_event_still_in_time_becomes_missed_when_its_due_day_ends(school, responses):
    term = school.terms.get(year=2026, number=4)
    # Tama's 10 days (reached Friday 23 October) are due by the end of Sunday 25 October.
    sunday = datetime(2026, 10, 25, 23, 59, tzinfo=AUCKLAND)
    in_time = response_coverage(term, school.rules, now=sunday)  # fills the cache
    later = response_coverage(term, school.rules, now=sunday + timedelta(minutes=2))
    # (waiting, missed) for amp5, amp10, amp15 and all thresholds
    assert [(r.waiting, r.missed) for r in in_time] == [(0, 1), (1, 0), (0, 0), (1, 1)]
    assert [(r.waiting, r.missed) for r in later] == [(0, 1), (0, 1), (0, 0), (0, 2)]


def test_a_new_import_shows_at_once_despite_the_cache(leader_client, school):
    assert leader_client.get(URL).context["figures"].regular == 3
    # Mere was ill all last week after all: 10 of 58 half-days absent, no longer regular.
    week = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    rows = [f"NZ-2001,110000003,{day},{s},M" for day in week for s in ("AM", "PM")]
    import_register(csv_bytes(REGISTER_HEADER, rows), file_name="fix.csv")
    assert leader_client.get(URL).context["figures"].regular == 2


def test_a_school_target_replaces_the_default(leader_client, school):
    term = school.terms.get(year=2026, number=4)
    TermTarget.objects.create(term=term, regular_percent=85)
    year = leader_client.get(URL).context["year"]
    assert [(r.term.key, float(r.target), r.target_is_default) for r in year][-1] == (
        "2026T4",
        85.0,
        False,
    )


def test_before_the_first_term_starts_the_pages_say_there_is_nothing_yet(client, db):
    from stepwise.accounts.models import Membership

    from .conftest import TODAY, add_school, add_user

    school = add_school("NZ-2002", "New School", "nz")
    school.terms.filter(start__lte=TODAY).delete()
    sign_in(client, add_user("newleader", school, Membership.Role.SCHOOL_LEADER))
    response = client.get("/schools/NZ-2002/dashboard/")
    assert response.status_code == 200
    assert "Term 1 2027 has not started yet: there is nothing to count." in squash(
        response.content.decode()
    )
    assert client.get("/schools/NZ-2002/early-warning/").status_code == 200
