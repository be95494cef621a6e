"""Pushing register marks through the API: the CSV import's rules, all or nothing, once."""

from stepwise.register.models import ImportRun, RegisterTerm
from stepwise.standings.models import ThresholdEvent

from .conftest import WEEK, marks

URL = "/api/v1/schools/NZ-1/marks"


def test_a_week_of_marks_is_imported_and_evaluated(api):
    response = api.post(URL, {"rows": marks("100000001", WEEK, "T")})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rows"], body["changed"], body["outcome"]) == (10, 10, "imported")
    assert body["detail"] == {"new marks": 10, "amended marks": 0}
    assert body["evaluation"]["threshold_events_reached"] == 1
    assert ThresholdEvent.objects.filter(student__national_id="100000001").count() == 1
    run = ImportRun.objects.get(pk=body["import_run"])
    assert run.imported_by.username.startswith("api-token-")


def test_pushing_the_same_marks_again_changes_nothing(api):
    api.post(URL, {"rows": marks("100000001", WEEK, "P")})
    again = api.post(URL, {"rows": marks("100000001", WEEK, "P")}).json()
    assert (again["changed"], again["outcome"]) == (0, "unchanged")


def test_a_bad_row_names_its_index_and_field_and_nothing_is_written(api):
    rows = marks("100000001", WEEK, "P")
    rows[3]["code"] = "ZZ"
    rows[7]["student_id"] = "999"
    response = api.post(URL, {"rows": rows})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"field": "rows[3].code", "row": 3,
            "message": "'ZZ' is not a code of the New Zealand rule pack"} in errors  # fmt: skip
    assert any(e["field"] == "rows[7].student_id" and "not on NZ-1" in e["message"] for e in errors)
    assert not RegisterTerm.objects.exists()


def test_a_row_missing_a_field_is_refused_by_the_schema_naming_it(api):
    response = api.post(URL, {"rows": [{"student_id": "100000001", "date": "2026-10-12"}]})
    assert response.status_code == 422
    body = response.json()
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"rows[0].session", "rows[0].code"}
    assert all(e["row"] == 0 for e in body["errors"])


def test_the_idempotency_key_replays_the_first_answer(api):
    rows = marks("100000001", WEEK, "T")
    first = api.post(URL, {"rows": rows}, **{"Idempotency-Key": "day-1"})
    runs = ImportRun.objects.count()
    second = api.post(URL, {"rows": rows}, **{"Idempotency-Key": "day-1"})
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert ImportRun.objects.count() == runs  # nothing was imported the second time


def test_the_same_key_with_another_body_is_refused(api):
    api.post(URL, {"rows": marks("100000001", WEEK, "T")}, **{"Idempotency-Key": "k"})
    response = api.post(URL, {"rows": marks("100000002", WEEK, "T")}, **{"Idempotency-Key": "k"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not RegisterTerm.objects.filter(student__national_id="100000002").exists()


def test_a_refused_push_does_not_use_up_its_key(api):
    bad = marks("100000001", WEEK, "ZZ")
    assert api.post(URL, {"rows": bad}, **{"Idempotency-Key": "k2"}).status_code == 422
    good = api.post(URL, {"rows": marks("100000001", WEEK, "P")}, **{"Idempotency-Key": "k2"})
    assert good.status_code == 200
    assert good.json()["changed"] == 10


def test_a_nul_character_in_a_field_is_refused_naming_its_row(api):
    rows = marks("100000001", WEEK, "P")
    rows[2]["student_id"] = "1000\u00000001"
    response = api.post(URL, {"rows": rows})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["row"]) == ("rows[2]", 2)
    assert "NUL" in error["message"]
    assert not RegisterTerm.objects.exists()
