"""Pushing the roster and caregivers: the CSV importers' rules, with errors naming the row."""

from stepwise.schools.models import Caregiver, Enrolment, Student, StudentCaregiver

ROSTER = "/api/v1/schools/NZ-1/roster"
CAREGIVERS = "/api/v1/schools/NZ-1/caregivers"


def student(**changed) -> dict:
    return {
        "student_id": "100000009",
        "given_name": "Wiremu",
        "family_name": "Parata",
        "birth_date": "2012-02-03",
        "year_level": 9,
        "enrolled_from": "2026-01-28",
        "enrolled_to": None,
        **changed,
    }


def caregiver(**changed) -> dict:
    return {
        "student_id": "100000001",
        "caregiver_id": "CG-1",
        "given_name": "Mere",
        "family_name": "Ngata",
        "relationship": "mother",
        "lives_with_student": True,
        "parental_responsibility": "yes",
        "email": "mere@example.org",
        **changed,
    }


def test_a_roster_push_adds_and_updates_students(api):
    response = api.post(
        ROSTER,
        {"rows": [student(), student(student_id="100000001", given_name="Aroha", year_level="11")]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["detail"] == {
        "students added": 1,
        "students updated": 1,
        "enrolments added": 1,
        "enrolments updated": 1,
    }
    assert Student.objects.get(national_id="100000009").family_name == "Parata"
    assert Enrolment.objects.get(student__national_id="100000001").year_level == 11


def test_a_bad_roster_row_is_named_and_nothing_changes(api):
    rows = [student(), student(student_id="100000010", birth_date="03/02/2012", year_level=22)]
    response = api.post(ROSTER, {"rows": rows})
    assert response.status_code == 422
    errors = {e["field"]: (e["row"], e["message"]) for e in response.json()["errors"]}
    assert errors == {
        "rows[1].birth_date": (1, "'03/02/2012' is not a date (use YYYY-MM-DD)"),
        "rows[1].year_level": (1, "'22' is not a year level from 0 to 15"),
    }
    assert not Student.objects.filter(national_id="100000009").exists()


def test_caregivers_are_linked_and_yes_no_may_be_booleans_or_words(api):
    response = api.post(CAREGIVERS, {"rows": [caregiver()]})
    assert response.status_code == 200, response.content
    link = StudentCaregiver.objects.get()
    assert (link.relationship, link.lives_with_student, link.parental_responsibility) == (
        "mother",
        True,
        True,
    )
    assert Caregiver.objects.get().email == "mere@example.org"


def test_a_bad_caregiver_row_is_named(api):
    rows = [caregiver(email="not an address", lives_with_student="perhaps")]
    response = api.post(CAREGIVERS, {"rows": rows})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"rows[0].email", "rows[0].lives_with_student"}
    assert not Caregiver.objects.exists()


def test_batches_over_the_limits_are_refused_naming_the_limit(api):
    mark = {"student_id": "100000001", "date": "2026-10-12", "session": "AM", "code": "P"}
    response = api.post("/api/v1/schools/NZ-1/marks", {"rows": [mark] * 20_001})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "rows"
    response = api.post(ROSTER, {"rows": [student()] * 20_000})  # 20,000 rows, but 4 MB
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "body"
    assert "smaller batches" in response.json()["detail"]


def test_another_organisations_token_cannot_push_to_this_school(other_api):
    response = other_api.post(ROSTER, {"rows": [student()]})
    assert response.status_code == 404
    assert response.json() == {"detail": "No such school", "errors": []}
    assert not Student.objects.filter(national_id="100000009").exists()


def test_a_push_never_renames_another_schools_child(api, other_api):
    """Rimu School pushes Kauri's Aroha under another name: Rimu gets its own record."""
    row = student(student_id="100000001", given_name="Renamed", birth_date="2015-01-01")
    response = other_api.post("/api/v1/schools/NZ-2/roster", {"rows": [row]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["detail"] == {"students added": 1, "enrolments added": 1}
    assert body["warnings"] == [
        {
            "field": "rows[0].student_id",
            "row": 0,
            "message": "another school holds a different name or birth date for 100000001; "
            "this row is imported as Rimu School's own record and changes nothing another "
            "school holds",
        }
    ]
    kauri = Student.objects.get(national_id="100000001", enrolments__school__code="NZ-1")
    assert (kauri.given_name, str(kauri.birth_date)) == ("Aroha", "2011-03-04")
    rimu = Student.objects.get(national_id="100000001", enrolments__school__code="NZ-2")
    assert (rimu.given_name, str(rimu.birth_date)) == ("Renamed", "2015-01-01")
    # Kauri's next push of Aroha as Kauri holds her changes nothing, and warns of Rimu's.
    kauris = student(
        student_id="100000001",
        given_name="Aroha",
        family_name="Ngata",
        birth_date="2011-03-04",
        year_level=10,
        enrolled_from="2026-01-28",
    )
    again = api.post(ROSTER, {"rows": [kauris]}).json()
    assert again["changed"] == 0
    assert [w["field"] for w in again["warnings"]] == ["rows[0].student_id"]
