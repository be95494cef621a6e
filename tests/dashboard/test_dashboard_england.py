"""The dashboard of a Kent school: persistent and severe absence, penalty notices, Kent's
statutory intervention (pupils and their expected standing in conftest.KENT_STUDENTS)."""

from datetime import date

import pytest

from .conftest import sign_in

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
