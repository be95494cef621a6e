"""The threshold queue: who is waiting for a response, how long, and how urgent."""

import re
from datetime import date

import pytest

from stepwise.responses.selectors import (
    filter_queue,
    open_days_between,
    queue_counts,
    threshold_queue,
)
from stepwise.responses.services import response_record
from stepwise.rules.deadline import due_on
from stepwise.schools.calendars import school_calendar

from .conftest import NOW, TODAY, sign_in_client

URL = "/schools/NZ-0427/queue/"


def _rows(school, term, today=TODAY):
    return [
        (i.student.given_name, i.threshold.key, i.reached_on, i.school_days_waiting, i.status)
        for i in threshold_queue(school, term, today)
    ]


def test_it_lists_every_unanswered_threshold_oldest_first(school, term):
    # (student, threshold, reached on, school days waiting, status) on Friday 20 November.
    assert _rows(school, term) == [
        ("Ben", "amp5", date(2026, 10, 16), 24, "critical"),
        ("Aroha", "amp5", date(2026, 10, 16), 24, "critical"),
        ("Aroha", "amp10", date(2026, 10, 23), 19, "critical"),
        ("Aroha", "amp15", date(2026, 11, 2), 14, "critical"),
        ("Mere", "amp5", date(2026, 11, 17), 3, "overdue"),
        ("Sam", "amp5", date(2026, 11, 18), 2, "due"),
        ("Tui", "amp5", date(2026, 11, 20), 0, "due"),
    ]


def test_each_item_has_the_tier_and_year_level(school, term):
    items = {
        (i.student.given_name, i.threshold.key): i for i in threshold_queue(school, term, TODAY)
    }
    assert items["Aroha", "amp15"].tier.name == "Serious concern"
    assert items["Aroha", "amp15"].year_level == 10
    assert items["Ben", "amp5"].tier.name == "Worrying"
    assert items["Tui", "amp5"].year_level == 11


# (reached on, today, status): the 48 hours run from the end of the day reached;
# critical once more than 5 school days have passed since.
@pytest.mark.parametrize(
    ("reached", "today", "status"),
    [
        (date(2026, 11, 11), date(2026, 11, 11), "due"),  # Wednesday, the same day
        (date(2026, 11, 11), date(2026, 11, 13), "due"),  # 48 hours end at midnight Friday
        (date(2026, 11, 11), date(2026, 11, 16), "overdue"),  # Monday: 3 school days
        (date(2026, 11, 11), date(2026, 11, 18), "overdue"),  # 5 school days: not yet critical
        (date(2026, 11, 11), date(2026, 11, 19), "critical"),  # 6 school days
        (date(2026, 11, 13), date(2026, 11, 16), "overdue"),  # Friday's 48 hours end on Sunday
    ],
)
def test_a_threshold_becomes_overdue_after_48_hours_and_critical_after_5_school_days(
    school, term, events, reached, today, status
):
    event = events["Mere", "amp5"]
    event.reached_on = reached
    event.save()
    (item,) = [i for i in threshold_queue(school, term, today) if i.event_pk == event.pk]
    assert item.status == status


def test_school_days_waiting_skip_weekends_and_the_public_holiday(school, term):
    calendar = school_calendar(school, [term])
    # Friday 23 October to Tuesday 27 October: the weekend and Labour Day do not count.
    assert open_days_between(calendar, date(2026, 10, 23), date(2026, 10, 27)) == 1
    assert open_days_between(calendar, date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert open_days_between(calendar, date(2026, 11, 20), date(2026, 11, 19)) == 0


def test_due_by_is_the_end_of_the_second_day_after():
    assert due_on(date(2026, 11, 16), 48) == date(2026, 11, 18)
    assert due_on(date(2026, 11, 16), 36) == date(2026, 11, 18)  # a part day counts whole


def test_a_pack_may_stop_the_clock_at_weekends_and_closed_days():
    friday, monday = date(2026, 11, 13), date(2026, 11, 16)
    assert due_on(friday, 48) == date(2026, 11, 15)
    assert due_on(friday, 48, ("weekends",)) == date(2026, 11, 17)
    shut = {monday}.__contains__
    assert due_on(friday, 48, ("weekends", "closed"), shut) == date(2026, 11, 18)


def test_counts_per_threshold_and_status(school, term):
    by_threshold, by_status = queue_counts(threshold_queue(school, term, TODAY))
    assert by_threshold == {"amp5": 5, "amp10": 1, "amp15": 1}
    assert by_status == {"critical": 4, "overdue": 1, "due": 2}


def test_filters_combine(school, term):
    items = threshold_queue(school, term, TODAY)
    assert [i.student.given_name for i in filter_queue(items, threshold="amp5", status="due")] == [
        "Sam",
        "Tui",
    ]
    assert [i.student.given_name for i in filter_queue(items, year_level=9)] == ["Mere", "Sam"]


def test_a_withdrawn_event_leaves_the_queue(school, term, events):
    events["Tui", "amp5"].status = "withdrawn"
    events["Tui", "amp5"].save()
    waiting = [row[0] for row in _rows(school, term)]
    assert "Tui" not in waiting
    assert waiting == ["Ben", "Aroha", "Aroha", "Aroha", "Mere", "Sam"]  # the rest stay


def test_the_page_shows_the_queue_with_status_tags(officer_client, school):
    response = officer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Threshold queue</h1>' in html
    assert "7 waiting for a response." in html
    cell = '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{}">{}</strong></td>'
    assert html.count(cell.format("red", "Critical")) == 4
    assert html.count(cell.format("orange", "Overdue")) == 1
    assert html.count(cell.format("blue", "Due")) == 2
    # The student links to their page for the term.
    assert 'href="/schools/NZ-0427/students/100000002/?term=2026T4">Cooper, Ben</a>' in html
    # Ticks and a record link for each row.
    assert html.count('name="events" type="checkbox"') == 7
    assert 'Record a response<span class="govuk-visually-hidden"> for Ben Cooper' in html


def test_the_page_filters_by_threshold_status_and_year(officer_client, school):
    html = officer_client.get(URL, {"status": "due", "year": "11"}).content.decode()
    assert "Showing 1 of 7 waiting." in html
    assert "Parata, Tui" in html
    assert "Lee, Sam" not in html
    html = officer_client.get(URL, {"threshold": "amp10"}).content.decode()
    assert "Showing 1 of 7 waiting." in html


def test_an_unknown_filter_is_ignored(officer_client, school):
    html = officer_client.get(URL, {"status": "late", "year": "99", "threshold": "x"}).content
    assert "7 waiting for a response." in html.decode()


def test_the_page_counts_per_threshold(officer_client, school):
    html = officer_client.get(URL).content.decode()
    assert re.search(
        r'sw-tier-summary__count">5</span>\s*<span>5 days absent this term</span>', html
    )
    assert re.search(
        r'sw-tier-summary__count">1</span>\s*<span>15 days absent this term</span>', html
    )


def test_when_every_threshold_has_a_response_it_says_all_done(
    officer_client, school, officer, events
):
    for event in events.values():
        response_record(
            school=school,
            student=event.student,
            threshold_event=event,
            response_type="monitor",
            happened_on=TODAY,
            done_by="Hana Smith",
            recorded_by=officer,
            now=NOW,
        )
    html = officer_client.get(URL).content.decode()
    assert '<h2 class="govuk-panel__title">All done</h2>' in html
    assert "Every threshold reached in Term 4 2026 has a response recorded" in html
    assert "<table" not in html


def test_a_leader_sees_the_queue_read_only(leader_client, school):
    response = leader_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cooper, Ben" in html
    assert 'type="checkbox"' not in html
    assert "Record a response" not in html
    assert '<form method="post" action="" novalidate>' not in html


def test_a_school_admin_sees_the_queue_read_only(admin_client, school):
    html = admin_client.get(URL).content.decode()
    assert "Cooper, Ben" in html
    assert "Record a response" not in html


def test_it_validates_ownership(outsider_client, school):
    assert outsider_client.get(URL).status_code == 404


def test_it_needs_sign_in(client, school):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_a_long_queue_comes_in_pages(officer_client, school, monkeypatch):
    monkeypatch.setattr("stepwise.responses.views.ROWS_PER_PAGE", 3)
    html = officer_client.get(URL).content.decode()
    assert "7 waiting for a response." in html
    assert "Page 1 of 3." in html
    assert html.count('name="events" type="checkbox"') == 3
    html = officer_client.get(URL, {"page": "3"}).content.decode()
    assert html.count('name="events" type="checkbox"') == 1
    assert "Parata, Tui" in html


def test_the_navigation_offers_the_queue_to_staff_and_descriptions_to_admins(
    officer_client, school, admin
):
    html = officer_client.get(URL).content.decode()
    assert 'href="/schools/NZ-0427/queue/" aria-current="true">' in html
    assert "/schools/NZ-0427/descriptions/" not in html
    sign_in_client(officer_client, admin)
    html = officer_client.get(URL).content.decode()
    assert (
        '<a class="govuk-service-navigation__link" href="/schools/NZ-0427/descriptions/">' in html
    )
