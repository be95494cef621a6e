"""An attendance officer signs in to the day's work: what is critical, overdue and due, what
is new since they last signed in, and a queue with a "due by" on every row, most urgent first.

The school and its queue are conftest's: on Friday 20 November, 4 critical (Aroha three
times, Ben), 1 overdue (Mere), Sam due by the end of today and Tui due by Sunday.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from stepwise.standings.models import ThresholdEvent

from .conftest import PASSWORD

URL = "/schools/NZ-0427/queue/"
AUCKLAND = ZoneInfo("Pacific/Auckland")


def sign_in_with_password(client, user) -> str:
    """Sign in through the sign-in page, as a person does; return where they land."""
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    while response.status_code == 302:
        landed = response["Location"]
        response = client.get(landed)
    return landed


def test_an_officer_signs_in_to_the_queue(client, officer, school):
    assert sign_in_with_password(client, officer) == URL


def test_a_leader_still_signs_in_to_the_standings(client, leader, school):
    assert sign_in_with_password(client, leader).startswith("/schools/NZ-0427/terms/")


def test_the_queue_opens_on_what_is_critical_overdue_and_due_today(officer_client, school):
    html = officer_client.get(URL).content.decode()
    work = html.split('id="todays-work"', 1)[1].split("</section>", 1)[0]
    assert "4 critical" in work
    assert "1 overdue" in work
    assert "1 due by the end of today" in work
    assert "1 due later" in work
    assert 'href="?status=critical"' in work and 'href="?status=overdue"' in work


def test_it_says_how_many_thresholds_were_reached_since_the_last_sign_in(
    client, officer, school, events
):
    # Everything was found on 1 November but Sam's and Tui's thresholds, found on Monday.
    ThresholdEvent.objects.update(detected_at=datetime(2026, 11, 1, 9, tzinfo=AUCKLAND))
    for key in (("Sam", "amp5"), ("Tui", "amp5")):
        ThresholdEvent.objects.filter(pk=events[key].pk).update(
            detected_at=datetime(2026, 11, 16, 9, tzinfo=AUCKLAND)
        )
    officer.last_login = datetime(2026, 11, 13, 15, tzinfo=AUCKLAND)  # a Friday afternoon
    officer.save()
    sign_in_with_password(client, officer)
    html = client.get(URL).content.decode()
    assert "2 new since you last signed in (Fri 13 Nov, 3:00pm)" in html
    shown = client.get(URL, {"new": "1"}).content.decode()
    assert "Showing 2 of 7 waiting." in shown
    assert "Lee, Sam" in shown and "Parata, Tui" in shown and "Cooper, Ben" not in shown


def test_every_row_says_when_it_is_due_and_the_most_urgent_come_first(officer_client, school):
    html = officer_client.get(URL).content.decode()
    rows = html.split("<tbody", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    assert len(rows) == 7
    assert all("Due by" in header for header in [html.split("<thead", 1)[1]])
    statuses = [
        next(s for s in ("Critical", "Overdue", "Due") if f">{s}</strong>" in row) for row in rows
    ]
    assert statuses == ["Critical"] * 4 + ["Overdue", "Due", "Due"]
    mere = next(row for row in rows if "Walker, Mere" in row)
    assert '<time datetime="2026-11-19">Thu 19 Nov</time>' in mere  # reached Tue 17 Nov


def test_two_students_of_the_same_name_are_told_apart(officer_client, school):
    html = officer_client.get(URL).content.decode()
    row = next(r for r in html.split("<tr")[1:] if "Lee, Sam" in r)
    assert "100000004" in row  # the student's id beside the name; the year level has a column
    assert "Select Sam Lee (100000004, year 9)" in row
