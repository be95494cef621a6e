"""Putting a recorded response right: dates before the threshold, corrections, withdrawals.

A correction or a withdrawal is a new record pointing at the response it replaces; the
original stays as it was recorded and is shown, marked. Only the response that still
stands (the effective one) answers a threshold: in the queue, on the dashboard, in the
Ministry export and through the API.
"""

from datetime import date

import pytest

from stepwise.audit.models import AuditEvent
from stepwise.dashboard.export import response_rows
from stepwise.dashboard.selectors import response_coverage
from stepwise.responses.models import ResponseActivity
from stepwise.responses.selectors import threshold_queue, unanswered_events
from stepwise.responses.services import (
    ResponseError,
    response_correct,
    response_record,
    response_withdraw,
)

from .conftest import NOV, NOW, TODAY

BEN = "/schools/NZ-0427/students/100000002/responses/new/"
MERE = "/schools/NZ-0427/students/100000003/responses/new/"
TERM_RESPONSES = "/schools/NZ-0427/responses/"


def correct_url(activity) -> str:
    return f"/schools/NZ-0427/responses/{activity.pk}/correct/"


def withdraw_url(activity) -> str:
    return f"/schools/NZ-0427/responses/{activity.pk}/withdraw/"


def record(school, officer, event, day: date = NOV[19], **changes) -> ResponseActivity:
    values = {
        "school": school,
        "student": event.student,
        "threshold_event": event,
        "response_type": "written_communication",
        "description": school.descriptions.get(text="Sent notification to whānau"),
        "happened_on": day,
        "done_by": "Hana Smith",
        "notes": "Posted first class.",
        "recorded_by": officer,
        "now": NOW,
        **changes,
    }
    return response_record(**values)


def form_data(school, **changes) -> dict[str, str]:
    """Return the record (and correct) form's fields: a conversation on 19 November."""
    initial = school.descriptions.get(text="Initial conversation with whānau")
    data = {
        "event": "",
        "response_type": "conversation",
        "description_conversation": str(initial.pk),
        "happened_on_day": "19",
        "happened_on_month": "11",
        "happened_on_year": "2026",
        "done_by": "Hana Smith",
        "notes": "",
    }
    data.update(changes)
    return data


# --- A response dated before the threshold it answers -----------------------------------


def test_a_response_dated_before_its_threshold_is_refused_on_the_form(
    officer_client, school, events
):
    event = events["Mere", "amp5"]  # reached on Tuesday 17 November
    response = officer_client.post(
        MERE, form_data(school, event=str(event.pk), happened_on_day="16")
    )
    html = response.content.decode()
    assert (
        '<a href="#happened_on">Date the response happened must be on or after 17 November '
        "2026, the day Mere Walker reached 5 days absent this term</a>"
    ) in html
    assert not ResponseActivity.objects.exists()
    # On the day itself it is accepted.
    officer_client.post(MERE, form_data(school, event=str(event.pk), happened_on_day="17"))
    assert ResponseActivity.objects.get().happened_on == NOV[17]


def test_a_bulk_response_dated_before_some_thresholds_names_them_and_writes_nothing(
    officer_client, school, events
):
    chosen = [events["Mere", "amp5"], events["Sam", "amp5"], events["Tui", "amp5"]]
    data = form_data(
        school, events=[str(e.pk) for e in chosen], happened_on_day="17", confirmed="yes"
    )
    del data["event"]
    html = officer_client.post("/schools/NZ-0427/queue/", data).content.decode()
    assert (
        "Date the response happened must be on or after the day each student reached the "
        "threshold: Sam Lee reached it on 18 November 2026, Tui Parata on 20 November 2026"
    ) in html
    assert not ResponseActivity.objects.exists()


def test_the_service_refuses_a_date_before_the_threshold_whoever_calls_it(school, events, officer):
    with pytest.raises(ResponseError, match="on or after 17 November 2026") as refused:
        record(school, officer, events["Mere", "amp5"], day=NOV[16])
    assert refused.value.field == "happened_on"
    assert not ResponseActivity.objects.exists()


# --- Correcting a response --------------------------------------------------------------


def test_a_correction_keeps_the_original_and_takes_its_place(
    officer_client, school, term, events, officer, students
):
    event = events["Ben", "amp5"]
    original = record(school, officer, event)
    page = officer_client.get(correct_url(original)).content.decode()
    assert "Correct a response" in page
    assert 'name="happened_on_day" type="text" inputmode="numeric" value="19"' in page
    assert f'value="{event.pk}" checked' in page

    response = officer_client.post(
        correct_url(original),
        form_data(
            school, event=str(event.pk), happened_on_day="18",
            reason="It was a phone call, not a letter",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == BEN
    correction = ResponseActivity.objects.get(corrects=original)
    assert (correction.response_type, correction.description_text, correction.happened_on) == (
        "conversation",
        "Initial conversation with whānau",
        NOV[18],
    )
    assert (correction.change_reason, correction.changed_by) == (
        "It was a phone call, not a letter",
        officer,
    )
    # Recorded when the school first recorded the response: the correction fixes what, not when.
    assert correction.recorded_at == original.recorded_at
    original.refresh_from_db()
    assert (original.response_type, original.happened_on) == ("written_communication", NOV[19])
    assert list(ResponseActivity.objects.effective()) == [correction]

    # Still answered in the queue; the export carries the correction only.
    assert event.pk not in [i.event_pk for i in threshold_queue(school, term, TODAY)]
    (row,) = response_rows(school, term.start, term.end)
    assert row[5:9] == ["conversation", "Conversation with whānau",
                        "Initial conversation with whānau", "2026-11-18"]  # fmt: skip

    # Both are shown, the original marked as corrected, with the reason.
    html = officer_client.get(BEN).content.decode()
    assert "Sent written communication: Sent notification to whānau" in html
    assert "Conversation with whānau: Initial conversation with whānau" in html
    assert ">Corrected</strong>" in html and ">Correction</strong>" in html
    assert "It was a phone call, not a letter" in html
    student_page = officer_client.get("/schools/NZ-0427/students/100000002/").content.decode()
    assert 'Sent written communication <strong class="govuk-tag govuk-tag--grey">Corrected' in (
        student_page
    )
    assert 'Conversation with whānau <strong class="govuk-tag govuk-tag--yellow">Correction' in (
        student_page
    )
    assert AuditEvent.objects.filter(
        action="change", object_id=str(students["Ben"].pk), detail__contains="corrected"
    ).exists()


def test_a_correction_may_be_corrected_but_a_replaced_response_may_not(school, events, officer):
    original = record(school, officer, events["Ben", "amp5"])
    first = response_correct(
        activity=original, by=officer, response_type="monitor", happened_on=NOV[19],
        done_by="Hana Smith", reason="Wrong type", threshold_event=original.threshold_event,
        now=NOW,
    )  # fmt: skip
    with pytest.raises(ResponseError, match="already been corrected or withdrawn"):
        response_correct(
            activity=original, by=officer, response_type="other", happened_on=NOV[19],
            done_by="Hana Smith", reason="Again", threshold_event=None, now=NOW,
        )  # fmt: skip
    second = response_correct(
        activity=first, by=officer, response_type="other", happened_on=NOV[19],
        done_by="Hana Smith", reason="Still wrong", threshold_event=None, now=NOW,
    )  # fmt: skip
    assert list(ResponseActivity.objects.effective()) == [second]


def test_a_correction_needs_a_reason_and_the_same_checks_as_a_response(
    officer_client, school, events, officer
):
    event = events["Mere", "amp5"]
    original = record(school, officer, event)
    html = officer_client.post(
        correct_url(original), form_data(school, event=str(event.pk), happened_on_day="16")
    ).content.decode()
    assert '<a href="#reason">Say why the response is corrected</a>' in html
    assert "the day Mere Walker reached 5 days absent this term" in html
    assert ResponseActivity.objects.count() == 1


def test_a_correction_cannot_move_the_response_after_the_day_it_was_recorded(
    school, events, officer
):
    original = record(school, officer, events["Ben", "amp5"], day=NOV[18])
    original.recorded_at = NOW.replace(day=18)
    ResponseActivity.objects.filter(pk=original.pk).update(recorded_at=original.recorded_at)
    with pytest.raises(
        ResponseError, match="on or before 18 November 2026, the day the response was recorded"
    ) as refused:
        response_correct(
            activity=original, by=officer, response_type="monitor", happened_on=NOV[19],
            done_by="Hana Smith", reason="Wrong day", threshold_event=None, now=NOW,
        )  # fmt: skip
    assert refused.value.field == "happened_on"
    assert ResponseActivity.objects.count() == 1


# --- Withdrawing a response -------------------------------------------------------------


def test_a_withdrawn_response_no_longer_answers_its_threshold(
    officer_client, school, term, events, officer
):
    event = events["Ben", "amp5"]
    original = record(school, officer, event)
    assert event not in unanswered_events(term)
    page = officer_client.get(withdraw_url(original)).content.decode()
    assert "Withdraw a response" in page and "Sent notification to whānau" in page

    response = officer_client.post(withdraw_url(original), {"reason": "Recorded for Ben in error"})
    assert response.status_code == 302
    withdrawal = ResponseActivity.objects.get(corrects=original)
    assert withdrawal.withdrawn and withdrawal.change_reason == "Recorded for Ben in error"
    assert not ResponseActivity.objects.effective().exists()

    assert event in unanswered_events(term)
    assert event.pk in [i.event_pk for i in threshold_queue(school, term, TODAY)]
    assert list(response_rows(school, term.start, term.end)) == []
    total = response_coverage(term, school.rules, now=NOW)[-1]
    assert (total.on_time, total.late) == (0, 0)

    # The original is still listed, marked withdrawn with the reason, and offers no change.
    html = officer_client.get(TERM_RESPONSES).content.decode()
    assert "Sent written communication: Sent notification to whānau" in html
    assert ">Withdrawn</strong>" in html and "Recorded for Ben in error" in html
    assert correct_url(original) not in html


def test_the_subject_access_export_lists_the_original_and_its_withdrawal(
    school, events, officer, students
):
    from stepwise.privacy.selectors import response_table

    original = record(school, officer, events["Ben", "amp5"])
    withdrawal = response_withdraw(activity=original, by=officer, reason="Error", now=NOW)
    table = response_table(school, students["Ben"], school.rules)
    replaced = table.columns.index("replaces_response_id")
    assert [(r[0], r[replaced], r[replaced + 1]) for r in table.rows] == [
        (str(original.pk), "", ""),
        (str(withdrawal.pk), str(original.pk), "yes"),
    ]


def test_a_withdrawal_needs_a_reason(officer_client, school, events, officer):
    original = record(school, officer, events["Ben", "amp5"])
    html = officer_client.post(withdraw_url(original), {"reason": " "}).content.decode()
    assert '<a href="#reason">Say why the response is withdrawn</a>' in html
    assert ResponseActivity.objects.count() == 1


def test_a_withdrawn_response_cannot_be_withdrawn_or_corrected_again(school, events, officer):
    original = record(school, officer, events["Ben", "amp5"])
    withdrawal = response_withdraw(activity=original, by=officer, reason="Error", now=NOW)
    for replaced in (original, withdrawal):
        with pytest.raises(ResponseError, match="already been corrected or withdrawn"):
            response_withdraw(activity=replaced, by=officer, reason="Again", now=NOW)
    assert ResponseActivity.objects.count() == 2


# --- Who may ----------------------------------------------------------------------------


def test_a_leader_sees_the_history_but_may_not_change_it(leader_client, school, events, officer):
    original = record(school, officer, events["Ben", "amp5"])
    assert leader_client.get(TERM_RESPONSES).status_code == 200
    assert correct_url(original) not in leader_client.get(TERM_RESPONSES).content.decode()
    assert leader_client.get(correct_url(original)).status_code == 403
    assert leader_client.post(withdraw_url(original), {"reason": "No"}).status_code == 403
    assert ResponseActivity.objects.count() == 1


def test_another_schools_officer_cannot_reach_the_response(
    outsider_client, school, events, officer
):
    original = record(school, officer, events["Ben", "amp5"])
    assert outsider_client.get(correct_url(original)).status_code == 404
    assert outsider_client.post(withdraw_url(original), {"reason": "No"}).status_code == 404
    assert ResponseActivity.objects.count() == 1


# --- Bulk recording asks first ----------------------------------------------------------


def test_bulk_recording_shows_the_count_and_the_students_before_saving(
    officer_client, school, events
):
    chosen = [events["Mere", "amp5"], events["Sam", "amp5"], events["Tui", "amp5"]]
    data = form_data(school, events=[str(e.pk) for e in chosen], happened_on_day="20")
    del data["event"]
    response = officer_client.post("/schools/NZ-0427/queue/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Record this response for 3 students?" in html
    for name in ("Walker, Mere", "Lee, Sam", "Parata, Tui"):
        assert name in html
    assert not ResponseActivity.objects.exists()

    # Going back keeps the ticks and the answers; confirming saves.
    back = officer_client.post("/schools/NZ-0427/queue/", {**data, "change": "1"})
    assert back.content.decode().count(" checked>") >= 3
    assert not ResponseActivity.objects.exists()
    done = officer_client.post("/schools/NZ-0427/queue/", {**data, "confirmed": "yes"}, follow=True)
    assert "Response recorded for 3 students" in done.content.decode()
    assert ResponseActivity.objects.count() == 3
