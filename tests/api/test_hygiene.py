"""The API's small promises: a POST recorded once, valid values in the schema, dates as dates."""

from stepwise.api.api import api as ninja_api
from stepwise.responses.models import ResponseActivity

URL = "/api/v1/schools/NZ-1/responses"
BODY = {
    "student_id": "100000001",
    "response_type": "conversation",
    "happened_on": "2026-10-12",
    "done_by": "Dean of Year 10",
}


def test_a_response_posted_twice_without_a_key_is_recorded_once(api):
    first = api.post(URL, BODY)
    again = api.post(URL, BODY)
    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ResponseActivity.objects.count() == 1


def test_a_response_posted_twice_with_one_key_is_recorded_once(api):
    api.post(URL, BODY, **{"Idempotency-Key": "call-1"})
    api.post(URL, BODY, **{"Idempotency-Key": "call-1"})
    assert ResponseActivity.objects.count() == 1


def test_two_identical_activities_are_two_records_when_each_has_its_own_key(api):
    api.post(URL, BODY, **{"Idempotency-Key": "call-1"})
    api.post(URL, BODY, **{"Idempotency-Key": "call-2"})
    assert ResponseActivity.objects.count() == 2


def test_a_response_type_outside_the_pack_is_refused_naming_the_valid_ones(api):
    response = api.post(URL, {**BODY, "response_type": "séance"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "response_type"
    assert "conversation" in error["message"]
    assert "Select" not in error["message"]


def test_the_schema_lists_the_valid_values_of_each_choice():
    document = ninja_api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    assert "conversation" in schemas["ResponseIn"]["properties"]["response_type"]["enum"]
    assert schemas["MarkIn"]["properties"]["session"]["enum"] == ["AM", "PM"]
    cases = document["paths"]["/api/v1/services/{service_id}/cases"]["get"]["parameters"]
    (status,) = [p for p in cases if p["name"] == "status"]
    assert set(status["schema"]["anyOf"][0]["enum"]) == {"open", "active", "on_hold", "closed"}


def test_a_date_must_be_written_as_a_date(api):
    standings = api.get("/api/v1/schools/NZ-1/terms/2026T4/standings", {"as_of": "0"})
    assert standings.status_code == 422
    assert standings.json()["errors"][0]["field"] == "as_of"
    response = api.post(URL, {**BODY, "happened_on": 0})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "happened_on"
    assert not ResponseActivity.objects.exists()
    ok = api.get("/api/v1/schools/NZ-1/terms/2026T4/standings", {"as_of": "2026-10-16"})
    assert ok.status_code == 200
