"""The dashboard of a Kent school: persistent and severe absence, penalty notices, Kent's
statutory intervention (pupils and their expected standing in conftest.KENT_STUDENTS)."""

import re
from datetime import date

import pytest

from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster

from .conftest import REGISTER_HEADER, ROSTER_HEADER, csv_bytes, sign_in

URL = "/schools/KT-3001/dashboard/"


@pytest.fixture
def kent_client(client, kent_leader):
    sign_in(client, kent_leader)
    return client


def test_it_shows_persistent_and_severe_absence_rates_and_lists(kent_client):
    response = kent_client.get(URL)
    assert response.status_code == 200
    rates = {
        item["rate"].key: (item["percent"], [s["listed"].name for s in item["students"]])
        for item in response.context["rates"]
    }
    # Charlie missed 60 of 104 sessions, Daisy 24; Bella's 10 are under 10%.
    assert rates == {
        "persistent": (50.0, ["Daisy Fox", "Charlie Moss"]),
        "severe": (25.0, ["Charlie Moss"]),
    }
    html = response.content.decode()
    assert "Persistently absent" in html and "Severely absent" in html
    assert (
        '<a class="govuk-link" href="/schools/KT-3001/students/K00000000003/?term=2026T1">' in html
    )


def test_it_lists_the_pupils_who_reached_the_penalty_notice_and_statutory_thresholds(kent_client):
    rolling = {
        item["threshold"].key: [
            (s["listed"].name, s["listed"].reached_on, s["listed"].met_now)
            for s in item["students"]
        ]
        for item in kent_client.get(URL).context["rolling"]
    }
    assert rolling == {
        "penalty_notice": [
            ("Daisy Fox", date(2026, 11, 6), True),
            ("Bella Hart", date(2026, 11, 20), True),
        ],
        "statutory_intervention": [("Daisy Fox", date(2026, 11, 13), True)],
    }


def test_england_has_its_own_tiers_and_no_national_goal(kent_client):
    response = kent_client.get(URL)
    figures = response.context["figures"]
    assert (figures.students, figures.regular, figures.tiers) == (4, 2, (2, 1, 1))
    assert response.context["goal"] is None
    assert [float(r.target) for r in response.context["year"]] == [90.0, 90.0, 90.0]
    html = response.content.decode()
    assert "National goal" not in html
    assert ">Regular attendance by term, 2026/27</title>" in html


def test_a_kent_school_exports_its_attendance_data_not_a_ministry_export(kent_client):
    html = kent_client.get(URL).content.decode()
    assert '<h2 class="govuk-heading-m" id="export">Attendance data export</h2>' in html
    assert "daily data collection" in html  # says what the DfE collects instead
    assert "Ministry" not in html
    page = kent_client.get("/schools/KT-3001/dashboard/ministry-export/").content.decode()
    assert '<h1 class="govuk-heading-l">Attendance data export</h1>' in page
    assert "Ministry" not in page


def test_a_kent_school_sets_targets_by_its_attendance_policy(kent_client):
    html = kent_client.get(URL).content.decode()
    assert "as its attendance policy says" in html
    assert "Attendance Management Plan" not in html


def test_englands_terms_are_named_by_the_calendar_year_they_fall_in(kent_client):
    # The 2026/27 school year: autumn 2026, then spring and summer 2027.
    year = kent_client.get(URL).context["year"]
    assert [r.term.name for r in year] == ["Autumn 2026", "Spring 2027", "Summer 2027"]


def _chart_labels(html: str) -> list[str]:
    chart = html.split('id="regular"', 1)[1].split("</svg>", 1)[0]
    return re.findall(r'class="sw-chart__label">([^<]+)</text>', chart)


def test_the_regular_attendance_chart_carries_the_last_school_year_it_has(kent_client):
    # Only this school year's terms while the school has no register from the last one.
    assert _chart_labels(kent_client.get(URL).content.decode())[:3] == [
        "Autumn 2026", "Spring 2027", "Summer 2027",
    ]  # fmt: skip
    # With a summer term of 2025/26 on record, the chart plots it before this year's, so a
    # trend shows even while only one term of this year has started.
    import_roster(
        csv_bytes(ROSTER_HEADER, ["KT-3001,K00000000001,Alfie,Shaw,2014-03-04,8,2026-06-01,"]),
        file_name="KT-3001-earlier.csv",
    )
    import_register(
        csv_bytes(REGISTER_HEADER, [f"KT-3001,K00000000001,2026-06-0{d},AM,/" for d in (1, 2)]),
        file_name="KT-3001-summer.csv",
    )
    assert _chart_labels(kent_client.get(URL).content.decode())[:4] == [
        "Summer 2026", "Autumn 2026", "Spring 2027", "Summer 2027",
    ]  # fmt: skip
