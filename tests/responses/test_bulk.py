"""Recording the same response for many students at once, from the queue."""

import pytest

from stepwise.audit.models import AuditEvent
from stepwise.responses.models import ResponseActivity
from stepwise.responses.selectors import threshold_queue
from stepwise.responses.services import ResponseError, response_record_many

from .conftest import NOW, TODAY

URL = "/schools/NZ-0427/queue/"
THREE = (("Mere", "amp5"), ("Sam", "amp5"), ("Tui", "amp5"))


def post_data(school, chosen, **changes) -> dict[str, object]:
    notification = school.descriptions.get(text="Sent notification to whānau")
    data: dict[str, object] = {
        "events": [str(chosen[key].pk) for key in THREE],
        "response_type": "written_communication",
        "description_written_communication": str(notification.pk),
        "happened_on_day": "20",
        "happened_on_month": "11",
        "happened_on_year": "2026",
        "done_by": "Hana Smith",
        "notes": "",
        "confirmed": "yes",  # as the confirmation page sends it back
    }
    data.update(changes)
    return data


def test_recording_for_three_takes_them_out_of_the_queue(
    officer_client, school, term, events, students
):
    response = officer_client.post(URL, post_data(school, events), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Response recorded for 3 students" in response.content.decode()
    activities = list(ResponseActivity.objects.order_by("student__given_name"))
    assert [a.student.given_name for a in activities] == ["Mere", "Sam", "Tui"]
    assert [a.threshold_event for a in activities] == [events[key] for key in THREE]
    assert {a.description_text for a in activities} == {"Sent notification to whānau"}
    # One batch: the same id on each, and on nothing else.
    assert activities[0].batch is not None
    assert {a.batch for a in activities} == {activities[0].batch}
    waiting = [i.student.given_name for i in threshold_queue(school, term, TODAY)]
    assert waiting == ["Ben", "Aroha", "Aroha", "Aroha"]
    # One audit entry per child.
    assert sorted(
        AuditEvent.objects.filter(action="change").values_list("object_id", flat=True)
    ) == sorted(str(students[name].pk) for name in ("Mere", "Sam", "Tui"))


def test_the_redirect_keeps_the_filters(officer_client, school, events):
    response = officer_client.post(URL + "?threshold=amp5", post_data(school, events))
    assert response["Location"] == URL + "?threshold=amp5"


def test_nobody_ticked_is_an_error_that_writes_nothing(officer_client, school, events):
    response = officer_client.post(URL, post_data(school, events, events=[]))
    html = response.content.decode()
    first = events["Ben", "amp5"].pk  # the first row of the queue
    assert f'<li><a href="#event-{first}">Select at least one student</a></li>' in html
    assert ResponseActivity.objects.count() == 0


def test_an_error_keeps_the_ticks(officer_client, school, events):
    response = officer_client.post(URL, post_data(school, events, done_by=""))
    html = response.content.decode()
    assert '<li><a href="#done_by">Enter who did it</a></li>' in html
    assert html.count('type="checkbox" value="') == 7
    assert html.count(" checked>") >= 3
    assert ResponseActivity.objects.count() == 0


def test_a_failure_part_way_writes_nothing(school, events, officer, other_school):
    from stepwise.standings.models import ThresholdEvent

    stranger = ThresholdEvent.objects.get(term__school=other_school)
    with pytest.raises(ResponseError):
        response_record_many(
            school=school,
            threshold_events=[events["Mere", "amp5"], events["Sam", "amp5"], stranger],
            response_type="monitor",
            happened_on=TODAY,
            done_by="Hana",
            recorded_by=officer,
            now=NOW,
        )
    assert ResponseActivity.objects.count() == 0


def test_a_leader_cannot_record_from_the_queue(leader_client, school, events):
    assert leader_client.post(URL, post_data(school, events)).status_code == 403
    assert ResponseActivity.objects.count() == 0


def test_an_outsider_cannot_record_from_the_queue(outsider_client, school, events):
    assert outsider_client.post(URL, post_data(school, events)).status_code == 404
    assert ResponseActivity.objects.count() == 0
