"""Recording a response for one student: the form, its errors, the audit, and who may."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stepwise.audit.models import AuditEvent
from stepwise.responses.models import Description, ResponseActivity
from stepwise.responses.selectors import threshold_queue
from stepwise.responses.services import ResponseError, response_record
from stepwise.responses.timeliness import Deadlines
from stepwise.standings.models import ThresholdEvent

from .conftest import NOW, TODAY

URL = "/schools/NZ-0427/students/100000002/responses/new/"  # Ben Cooper
AUCKLAND = ZoneInfo("Pacific/Auckland")


def notification(school) -> Description:
    return school.descriptions.get(text="Sent notification to whānau")


def post_data(school, **changes) -> dict[str, str]:
    data = {
        "event": "",
        "response_type": "written_communication",
        "description_written_communication": str(notification(school).pk),
        "happened_on_day": "19",
        "happened_on_month": "11",
        "happened_on_year": "2026",
        "done_by": "Hana Smith",
        "notes": "Left a message too.",
    }
    data.update(changes)
    return data


def test_the_form_offers_the_packs_types_and_the_schools_descriptions(officer_client, events):
    html = officer_client.get(URL, {"event": events["Ben", "amp5"].pk}).content.decode()
    assert '<h1 class="govuk-heading-l">Record a response</h1>' in html
    for label in ("Sent written communication", "Conversation with whānau", "Other"):
        assert f">{label}</label>" in html
    assert ">Sent notification to whānau</option>" in html
    # The event from the queue is chosen; the date is today's; who did it is the officer.
    assert f'value="{events["Ben", "amp5"].pk}" checked' in html
    assert 'name="happened_on_day" type="text" inputmode="numeric" value="20"' in html
    assert 'id="done_by" name="done_by" type="text" value="Hana Smith"' in html


def test_recording_a_response_takes_the_student_out_of_the_queue(
    officer_client, school, term, events, officer
):
    event = events["Ben", "amp5"]
    response = officer_client.post(URL, post_data(school, event=str(event.pk)), follow=True)
    assert response.redirect_chain == [("/schools/NZ-0427/queue/", 302)]
    assert "Response recorded for Ben Cooper" in response.content.decode()
    activity = ResponseActivity.objects.get()
    assert activity.threshold_event == event
    assert activity.student == event.student
    assert activity.response_type == "written_communication"
    assert activity.description == notification(school)
    assert activity.description_text == "Sent notification to whānau"
    assert activity.happened_on == date(2026, 11, 19)
    assert activity.done_by == "Hana Smith"
    assert activity.notes == "Left a message too."
    assert activity.recorded_by == officer
    assert activity.recorded_at == NOW
    assert activity.batch is None
    assert ("Ben", "amp5") not in [
        (i.student.given_name, i.threshold.key) for i in threshold_queue(school, term, TODAY)
    ]


def test_a_response_need_not_answer_a_threshold(officer_client, school, term):
    officer_client.post(URL, post_data(school))
    assert ResponseActivity.objects.get().threshold_event is None
    assert len(threshold_queue(school, term, TODAY)) == 7  # Ben is still waiting


def test_a_type_without_descriptions_needs_none(officer_client, school):
    response = officer_client.post(
        URL,
        post_data(
            school, response_type="unsuccessful_contact", description_written_communication=""
        ),
    )
    assert response.status_code == 302
    activity = ResponseActivity.objects.get()
    assert activity.description is None
    assert activity.description_text == ""


TYPE = "response_type-written_communication"
DESCRIPTION = "description_written_communication"
EMPTY_DATE = {"happened_on_day": "", "happened_on_month": "", "happened_on_year": ""}
DATE = "Date the response happened"


# (what changes in the POST, the field's id the summary links to, the message).
@pytest.mark.parametrize(
    ("changes", "anchor", "message"),
    [
        ({"response_type": ""}, TYPE, "Select the activity response type"),
        ({"response_type": "tea_and_biscuits"}, TYPE, "Select the activity response type"),
        ({DESCRIPTION: ""}, DESCRIPTION, "Select a description for ‘Sent written communication’"),
        (EMPTY_DATE, "happened_on", "Enter the date the response happened"),
        ({"happened_on_month": ""}, "happened_on", f"{DATE} must include a month"),
        (
            {"happened_on_day": "31", "happened_on_month": "11"},
            "happened_on",
            f"{DATE} must be a real date",
        ),
        ({"happened_on_day": "21"}, "happened_on", f"{DATE} must be today or in the past"),
        (
            {"happened_on_day": "11", "happened_on_month": "10"},
            "happened_on",
            f"{DATE} must be on or after 12 October 2026, the start of Term 4 2026",
        ),
        ({"done_by": "  "}, "done_by", "Enter who did it"),
        ({"event": "999999"}, "event", "Select one of the student’s thresholds, or none"),
    ],
)
def test_an_error_names_the_field_and_writes_nothing(
    officer_client, school, changes, anchor, message
):
    audited = AuditEvent.objects.count()
    response = officer_client.post(URL, post_data(school, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Record a response" in html
    assert f'<li><a href="#{anchor}">{message}</a></li>' in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in html
    assert ResponseActivity.objects.count() == 0
    assert AuditEvent.objects.count() == audited


def test_a_description_of_another_type_is_refused(officer_client, school):
    other = school.descriptions.get(text="Initial conversation with whānau")
    response = officer_client.post(
        URL, post_data(school, description_written_communication=str(other.pk))
    )
    assert "Select one of the school’s descriptions" in response.content.decode()
    assert ResponseActivity.objects.count() == 0


def test_a_retired_description_is_not_offered(officer_client, school):
    retired = notification(school)
    retired.retired = True
    retired.save()
    html = officer_client.get(URL).content.decode()
    assert "Sent notification to whānau" not in html
    response = officer_client.post(
        URL, post_data(school, description_written_communication=str(retired.pk))
    )
    assert response.status_code == 200
    assert ResponseActivity.objects.count() == 0


def test_another_students_threshold_is_refused(officer_client, school, events):
    officer_client.post(URL, post_data(school, event=str(events["Tui", "amp5"].pk)))
    assert ResponseActivity.objects.count() == 0


def test_the_service_writes_nothing_when_it_refuses(school, students, officer):
    with pytest.raises(ResponseError) as caught:
        response_record(
            school=school,
            student=students["Ben"],
            response_type="written_communication",
            description=school.descriptions.get(text="Held whānau hui"),
            happened_on=TODAY,
            done_by="Hana",
            recorded_by=officer,
            now=NOW,
        )
    assert caught.value.field == "description"
    assert ResponseActivity.objects.count() == 0


def test_opening_the_form_is_audited_as_reading_the_childs_record(officer_client, students):
    officer_client.get(URL)
    (entry,) = AuditEvent.objects.all()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "view",
        "student",
        str(students["Ben"].pk),
    )
    assert entry.user.username == "officer"


def test_recording_is_audited_as_a_change(officer_client, school, students):
    officer_client.post(URL, post_data(school))
    (entry,) = AuditEvent.objects.all()
    activity = ResponseActivity.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "change",
        "student",
        str(students["Ben"].pk),
    )
    assert f"response {activity.pk}" in entry.detail
    assert "Left a message" not in entry.detail  # private notes stay out of the log


def test_a_leader_cannot_record(leader_client, school):
    assert leader_client.get(URL).status_code == 403
    assert leader_client.post(URL, post_data(school)).status_code == 403
    assert ResponseActivity.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_school_admin_cannot_record(admin_client, school):
    assert admin_client.post(URL, post_data(school)).status_code == 403


def test_it_validates_ownership(outsider_client, school):
    assert outsider_client.get(URL).status_code == 404
    assert outsider_client.post(URL, post_data(school)).status_code == 404
    # Nor through the outsider's own school.
    url = "/schools/NZ-0999/students/100000002/responses/new/"
    assert outsider_client.get(url).status_code == 404
    assert ResponseActivity.objects.count() == 0


# (days between the day the threshold was reached and the day the response was recorded,
# Auckland time, and the hour recorded) -> recorded within 48 hours of the end of that day?
@pytest.mark.parametrize(
    ("days_later", "hour", "on_time"),
    [(0, 15, True), (1, 9, True), (2, 23, True), (3, 0, False), (7, 12, False)],
)
def test_a_response_shows_whether_it_was_recorded_within_48_hours_of_its_threshold(
    school, students, officer, days_later, hour, on_time
):
    event = ThresholdEvent.objects.get(student=students["Mere"], threshold="amp5")
    reached = event.reached_on
    recorded = datetime.combine(reached + timedelta(days=days_later), datetime.min.time())
    activity = response_record(
        school=school,
        student=students["Mere"],
        threshold_event=event,
        response_type="monitor",
        happened_on=reached,
        done_by="Hana",
        recorded_by=officer,
        now=recorded.replace(hour=hour, tzinfo=AUCKLAND),
    )
    assert Deadlines(school).in_time(reached, activity.recorded_at) is on_time


def test_the_form_lists_earlier_responses_with_whether_each_was_in_time_for_its_threshold(
    officer_client, school, students, officer
):
    # Ben reached 5 days absent on 16 October: a response recorded on 20 November is late.
    event = ThresholdEvent.objects.get(student=students["Ben"], threshold="amp5")
    for happened, at in (
        (date(2026, 10, 17), datetime(2026, 10, 17, 9, tzinfo=AUCKLAND)),
        (date(2026, 11, 19), NOW),
    ):
        response_record(
            school=school,
            student=students["Ben"],
            threshold_event=event,
            response_type="conversation",
            description=school.descriptions.get(text="Initial conversation with whānau"),
            happened_on=happened,
            done_by="Hana",
            notes="Mum says he is unwell",
            recorded_by=officer,
            now=at,
        )
    response_record(
        school=school,
        student=students["Ben"],
        response_type="monitor",
        happened_on=date(2026, 11, 19),
        done_by="Hana",
        recorded_by=officer,
        now=NOW,
    )
    html = officer_client.get(URL).content.decode()
    assert "Conversation with whānau: Initial conversation with whānau" in html
    assert html.count("In time for its threshold</strong>") == 1
    assert html.count("Late for its threshold</strong>") == 1
    assert "Mum says he is unwell" in html
