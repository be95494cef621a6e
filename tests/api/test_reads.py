"""Reading standings, threshold events, the early-warning list and responses; each read audited."""

import pytest

from stepwise.audit.models import AuditEvent
from stepwise.responses.models import ResponseActivity

from .conftest import WEEK, marks

SCHOOL = "/api/v1/schools/NZ-1"
# Aroha misses the first week (she reaches 5 days absent on Friday 16 October); Ben is there;
# Sione joins on 2 November.
AS_OF = "2026-10-16"


@pytest.fixture
def week(api):
    rows = marks("100000001", WEEK, "T") + marks("100000002", WEEK, "P")
    assert api.post(f"{SCHOOL}/marks", {"rows": rows}).status_code == 200
    return api


def audited(object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type))


def test_standings_are_paged_and_filtered_and_the_read_is_audited(week):
    response = week.get(f"{SCHOOL}/terms/2026T4/standings", {"as_of": AS_OF, "page_size": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    # Sione joins in November, but is on the term's roll: three rows.
    assert (body["count"], body["pages"], body["term"], body["as_of"]) == (3, 3, "2026T4", AS_OF)
    (aroha,) = body["items"]
    assert (aroha["student_id"], aroha["days_absent"], aroha["reached_amp5"]) == (
        "100000001",
        5.0,
        "2026-10-16",
    )
    second = week.get(
        f"{SCHOOL}/terms/2026T4/standings", {"as_of": AS_OF, "page_size": 1, "page": 2}
    ).json()
    assert second["items"][0]["student_id"] == "100000002"
    tier = aroha["tier"]
    only = week.get(f"{SCHOOL}/terms/2026T4/standings", {"as_of": AS_OF, "tier": tier}).json()
    assert [r["student_id"] for r in only["items"]] == ["100000001"]
    (event,) = audited("standings")[-1:]
    assert event.user.username.startswith("api-token-") and event.action == "view"
    assert len(audited("standings")) == 3


def test_an_unknown_term_is_404_with_the_error_body(week):
    response = week.get(f"{SCHOOL}/terms/2031T9/standings")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such term", "errors": []}


def test_threshold_events_filter_by_term_dates_and_status(week):
    url = f"{SCHOOL}/threshold-events"
    (event,) = week.get(url, {"term": "2026T4"}).json()["items"]
    assert (event["student_id"], event["threshold"], event["reached_on"], event["answered"]) == (
        "100000001",
        "amp5",
        "2026-10-16",
        False,
    )
    assert week.get(url, {"from": "2026-10-17"}).json()["count"] == 0
    assert week.get(url, {"to": "2026-10-16", "status": "active"}).json()["count"] == 1
    assert week.get(url, {"status": "withdrawn"}).json()["count"] == 0
    bad = week.get(url, {"from": "16/10/2026"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "from"
    assert len(audited("threshold_events")) == 4


def test_the_early_warning_list_reads(week):
    response = week.get(f"{SCHOOL}/early-warning", {"term": "2026T4", "as_of": "2026-10-14"})
    assert response.status_code == 200, response.content
    body = response.json()
    # By Wednesday Aroha has missed 3 days running: forecast to reach 5 within the horizon.
    assert [w["student_id"] for w in body["items"]] == ["100000001"]
    assert body["items"][0]["threshold"] == "amp5"
    assert len(audited("early_warning")) == 1


def test_a_response_is_recorded_and_read_back_without_its_notes(week):
    event_id = week.get(f"{SCHOOL}/threshold-events").json()["items"][0]["id"]
    response = week.post(
        f"{SCHOOL}/responses",
        {
            "student_id": "100000001",
            "response_type": "conversation",
            "happened_on": "2026-10-19",
            "done_by": "Hana Smith",
            "threshold_event_id": event_id,
            "notes": "Private: family news.",
        },
    )
    assert response.status_code == 201, response.content
    assert "notes" not in response.json()
    assert ResponseActivity.objects.get().notes == "Private: family news."
    listed = week.get(f"{SCHOOL}/responses", {"term": "2026T4"}).json()
    assert [r["done_by"] for r in listed["items"]] == ["Hana Smith"]
    assert b"Private" not in week.get(f"{SCHOOL}/responses").content
    answered = week.get(f"{SCHOOL}/threshold-events").json()["items"][0]
    assert answered["answered"] is True
    assert week.get(f"{SCHOOL}/responses", {"student_id": "100000002"}).json()["count"] == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"student_id": "999"}, "student_id"),
        ({"response_type": "telepathy"}, "response_type"),
        ({"happened_on": "2099-01-01"}, "happened_on"),
        ({"done_by": "  "}, "done_by"),
        ({"description_id": 999999}, "description_id"),
        ({"threshold_event_id": 999999}, "threshold_event_id"),
        ({"happened_on": "yesterday"}, "happened_on"),
    ],
)  # each: what is wrong with the response, and the field the error names
def test_a_bad_response_names_the_field_and_records_nothing(week, change, field):
    body = {
        "student_id": "100000001",
        "response_type": "conversation",
        "happened_on": "2026-10-19",
        "done_by": "Hana Smith",
        **change,
    }
    response = week.post(f"{SCHOOL}/responses", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not ResponseActivity.objects.exists()


def test_another_schools_token_reads_nothing_of_ours(week, other_api):
    for path in ("/terms/2026T4/standings", "/threshold-events", "/early-warning", "/responses"):
        response = other_api.get(f"{SCHOOL}{path}")
        assert response.status_code == 404, path
    assert [s["code"] for s in other_api.get("/api/v1/schools").json()] == ["NZ-2"]


def test_a_response_dated_before_its_threshold_is_refused(week):
    event_id = week.get(f"{SCHOOL}/threshold-events").json()["items"][0]["id"]  # 16 October
    body = {
        "student_id": "100000001",
        "response_type": "conversation",
        "happened_on": "2026-10-15",
        "done_by": "Hana Smith",
        "threshold_event_id": event_id,
    }
    response = week.post(f"{SCHOOL}/responses", body)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "happened_on"
    assert "on or after 16 October 2026, the day Aroha" in error["message"]
    assert not ResponseActivity.objects.exists()


def test_only_the_response_that_stands_is_read_back(week, nz_roster):
    from stepwise.responses.services import response_correct, response_withdraw

    event_id = week.get(f"{SCHOOL}/threshold-events").json()["items"][0]["id"]
    body = {
        "student_id": "100000001",
        "response_type": "conversation",
        "happened_on": "2026-10-19",
        "done_by": "Hana Smith",
        "threshold_event_id": event_id,
    }
    assert week.post(f"{SCHOOL}/responses", body).status_code == 201
    original = ResponseActivity.objects.get()
    correction = response_correct(
        activity=original, by=original.recorded_by, response_type="monitor",
        happened_on=original.happened_on, done_by="Hana Smith", reason="Wrong type",
        threshold_event=original.threshold_event,
    )  # fmt: skip
    listed = week.get(f"{SCHOOL}/responses").json()["items"]
    assert [(r["id"], r["response_type"]) for r in listed] == [(correction.pk, "monitor")]
    response_withdraw(activity=correction, by=original.recorded_by, reason="Not for Aroha")
    assert week.get(f"{SCHOOL}/responses").json()["count"] == 0
    (event,) = week.get(f"{SCHOOL}/threshold-events").json()["items"]
    assert event["answered"] is False
