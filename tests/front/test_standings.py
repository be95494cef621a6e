"""The standings page: every student of the term, their tier, and filters and sorting."""

import re

import pytest

from stepwise.front import views
from stepwise.onboarding.organisations import school_setup

from .conftest import TODAY, add_user

URL = "/schools/NZ-0427/terms/2026T4/"


def names_in_order(html: str) -> list[str]:
    """Return the students' names in table order ("Family, Given")."""
    return re.findall(
        r'<a class="govuk-link" href="/schools/NZ-0427/students/\d+/\?term=2026T4">([^<]+)</a>',
        html,
    )


def test_it_lists_every_student_with_their_standing(officer_client):
    response = officer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert names_in_order(html) == ["Ngata, Aroha", "Cooper, Ben", "Walker, Mere", "Lee, Sam"]
    assert "100000001" in html
    assert '<strong class="govuk-tag govuk-tag--red">Serious concern</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--orange">Concerning</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Worrying</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">Good</strong>' in html
    # The pack's threshold labels are the column headings; the dates each was reached fill them.
    for label in (
        "5 days absent this term",
        "10 days absent this term",
        "15 days absent this term",
    ):
        assert label in html
    assert '<time datetime="2026-11-02">2 Nov</time>' in html  # Aroha's 15th day absent
    assert "Chronic absence" in html
    assert "0.0%" in html and "100.0%" in html


def test_it_counts_students_per_tier(officer_client):
    html = officer_client.get(URL).content.decode()
    counts = re.findall(
        r'sw-tier-summary__count">(\d+)</span>\s*<strong class="govuk-tag[^"]*">([^<]+)</strong>',
        html,
    )
    assert counts == [
        ("1", "Good"),
        ("1", "Worrying"),
        ("1", "Concerning"),
        ("1", "Serious concern"),
    ]


def test_it_filters_by_tier(officer_client):
    html = officer_client.get(URL, {"tier": "serious"}).content.decode()
    assert names_in_order(html) == ["Ngata, Aroha"]
    assert "Showing 1 of 4 students." in html
    assert '<option value="serious" selected>' in html


def test_it_filters_by_year_level_and_search(officer_client):
    assert names_in_order(officer_client.get(URL, {"year": "9"}).content.decode()) == [
        "Walker, Mere",
        "Lee, Sam",
    ]
    assert names_in_order(officer_client.get(URL, {"q": "walk"}).content.decode()) == [
        "Walker, Mere"
    ]
    assert names_in_order(officer_client.get(URL, {"q": "100000004"}).content.decode()) == [
        "Lee, Sam"
    ]
    assert "No students match the filters." in officer_client.get(URL, {"q": "zz"}).content.decode()


def test_unknown_filter_values_are_ignored(officer_client):
    html = officer_client.get(URL, {"tier": "nope", "year": "x", "sort": "evil"}).content.decode()
    assert len(names_in_order(html)) == 4


# (sort, order, expected names in order)
SORTS = [
    ("name", "asc", ["Cooper, Ben", "Lee, Sam", "Ngata, Aroha", "Walker, Mere"]),
    ("name", "desc", ["Walker, Mere", "Ngata, Aroha", "Lee, Sam", "Cooper, Ben"]),
    ("days_absent", "asc", ["Lee, Sam", "Walker, Mere", "Cooper, Ben", "Ngata, Aroha"]),
    ("attendance", "desc", ["Lee, Sam", "Walker, Mere", "Cooper, Ben", "Ngata, Aroha"]),
    ("year", "asc", ["Lee, Sam", "Walker, Mere", "Cooper, Ben", "Ngata, Aroha"]),
    # Ben and Aroha both reached 10 days on 23 October: ties stay in name order, and
    # students who never reached the threshold come last whichever way it sorts.
    ("reached_amp10", "asc", ["Cooper, Ben", "Ngata, Aroha", "Lee, Sam", "Walker, Mere"]),
    ("reached_amp10", "desc", ["Cooper, Ben", "Ngata, Aroha", "Lee, Sam", "Walker, Mere"]),
    ("tier", "desc", ["Ngata, Aroha", "Cooper, Ben", "Walker, Mere", "Lee, Sam"]),
]


@pytest.mark.parametrize(("sort", "order", "expected"), SORTS)
def test_it_sorts_by_a_column(officer_client, sort, order, expected):
    html = officer_client.get(URL, {"sort": sort, "order": order}).content.decode()
    assert names_in_order(html) == expected


def test_the_sorted_column_says_so_to_screen_readers(officer_client):
    html = officer_client.get(URL).content.decode()
    assert re.search(r'aria-sort="descending">\s*<a [^>]*>Days absent</a>', html)
    assert re.search(r'aria-sort="none">\s*<a [^>]*href="\?sort=name&amp;order=asc"', html)
    # Clicking the sorted column again reverses it.
    assert 'href="?sort=days_absent&amp;order=asc"' in html


def test_sort_links_keep_the_filters(officer_client):
    html = officer_client.get(URL, {"tier": "good", "q": "Sam"}).content.decode()
    assert 'href="?tier=good&amp;q=Sam&amp;sort=name&amp;order=asc"' in html


def test_it_pages_long_lists(officer_client, monkeypatch):
    monkeypatch.setattr(views, "ROWS_PER_PAGE", 3)
    first = officer_client.get(URL).content.decode()
    assert names_in_order(first) == ["Ngata, Aroha", "Cooper, Ben", "Walker, Mere"]
    assert 'aria-label="Page 2"' in first
    second = officer_client.get(URL, {"page": "2"}).content.decode()
    assert names_in_order(second) == ["Lee, Sam"]


def test_it_switches_between_the_schools_terms(officer_client):
    html = officer_client.get(URL).content.decode()
    assert 'href="/schools/NZ-0427/terms/2026T3/">Term 3 2026</a>' in html
    assert re.search(
        r'aria-current="page"\s+href="/schools/NZ-0427/terms/2026T4/">Term 4 2026', html
    )
    earlier = officer_client.get("/schools/NZ-0427/terms/2026T3/").content.decode()
    assert "Term 3 2026 standings" in earlier
    assert '<strong class="govuk-tag govuk-tag--green">Good</strong>' in earlier


def test_a_term_without_students_says_so(client, db):
    empty = school_setup(code="NZ-0001", name="New School", pack="nz", today=TODAY)
    client.force_login(add_user("founder", empty))
    html = client.get("/schools/NZ-0001/terms/2026T4/").content.decode()
    assert "No students were enrolled at New School during Term 4 2026." in html
    assert "0 students enrolled during the term" in html
