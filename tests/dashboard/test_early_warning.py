"""The early-warning list: who will reach their next threshold in the next 10 school days."""

import re

from .conftest import sign_in

URL = "/schools/NZ-2001/early-warning/"


def test_it_lists_the_students_forecast_to_reach_a_threshold_soon(leader_client):
    response = leader_client.get(URL)
    assert response.status_code == 200
    rows = [
        (
            r["warning"].student.given_name,
            r["warning"].threshold.key,
            r["warning"].forecast_on.isoformat(),
            r["warning"].days_absent,
            r["warning"].student.year_level,
        )
        for r in response.context["rows"]
    ]
    # Wiremu has missed 9 of 58 half-days: one more reaches 5 days, at his rate on the 4th
    # school day from now. Hemi has missed 8: two more, at his rate on the 8th.
    # Aroha, Ben and Tama have reached their thresholds and their next is beyond the term
    # at their rate; Kiri's is too; Mere and Sam have missed nothing.
    assert rows == [
        ("Wiremu", "amp5", "2026-11-26", 4.5, 10),
        ("Hemi", "amp5", "2026-12-02", 4.0, 10),
    ]


def test_each_row_links_to_the_student_page_with_the_forecast(leader_client):
    html = leader_client.get(URL).content.decode()
    assert '<a class="govuk-link" href="/schools/NZ-2001/students/110000008/?term=2026T4">' in html
    assert '<time datetime="2026-11-26">Thu 26 Nov</time>' in html
    assert "5 days absent this term" in html
    assert re.search(r"<strong>2</strong> students heading for “5 days absent this term”", html)


def test_officers_and_admins_see_it_too(client, officer, admin):
    for user in (officer, admin):
        sign_in(client, user)
        assert client.get(URL).status_code == 200


def test_it_says_so_when_nobody_is_forecast(client, outsider):
    sign_in(client, outsider)  # Tōtara School's only student has missed nothing
    html = client.get("/schools/NZ-2999/early-warning/").content.decode()
    assert "No student is forecast to reach a threshold in the next 10 school days." in html


def names(response) -> list[str]:
    return [r["warning"].student.given_name for r in response.context["rows"]]


def test_it_filters_by_threshold_and_ignores_one_it_does_not_know(leader_client):
    assert names(leader_client.get(URL, {"threshold": "amp5"})) == ["Wiremu", "Hemi"]
    assert names(leader_client.get(URL, {"threshold": "amp10"})) == []
    assert names(leader_client.get(URL, {"threshold": "amp99"})) == ["Wiremu", "Hemi"]


def test_a_long_list_comes_in_pages(leader_client, monkeypatch):
    monkeypatch.setattr("stepwise.dashboard.views.ROWS_PER_PAGE", 1)
    first = leader_client.get(URL)
    assert names(first) == ["Wiremu"]
    assert '<a class="govuk-link govuk-pagination__link" href="?page=2" rel="next">' in (
        first.content.decode()
    )
    assert names(leader_client.get(URL, {"page": "2"})) == ["Hemi"]
    assert names(leader_client.get(URL, {"page": "99"})) == ["Hemi"]  # the last page
