"""Ed-Fi StudentSchoolAttendanceEvents in, through the school's code mapping table."""

import json

import pytest
from django.test import Client

from stepwise.register.models import RegisterTerm
from stepwise.rules.calendar import SESSIONS

URL = "/api/v1/schools/NZ-1/edfi/student-school-attendance-events"
MAPPINGS = "/api/v1/schools/NZ-1/edfi/code-mappings"
UNEXCUSED = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence"


SCHOOL_NUMBER = 427


@pytest.fixture(autouse=True)
def numbered(nz_roster):
    """Give the test school its Ministry number: Ed-Fi's schoolId is that integer."""
    nz_roster.school_number = str(SCHOOL_NUMBER)
    nz_roster.save()
    return nz_roster


def event(student: str, day: str, descriptor: str = UNEXCUSED, **extra) -> dict:
    return {
        "schoolReference": {"schoolId": SCHOOL_NUMBER},
        "sessionReference": {
            "schoolId": SCHOOL_NUMBER,
            "schoolYear": 2026,
            "sessionName": "Term 4 2026",
        },
        "studentReference": {"studentUniqueId": student},
        "eventDate": day,
        "attendanceEventCategoryDescriptor": descriptor,
        **extra,
    }


def post_raw(api, body: bytes):
    return Client().post(URL, body, content_type="application/json", headers=api.headers())


def stored_codes(student: str) -> list[str]:
    row = RegisterTerm.objects.get(student__national_id=student)
    names = ("", *(c.code for c in row.term.school.rules.codes))
    return [names[b] for b in row.marks if b]


def map_codes(api) -> None:
    response = api.put(
        MAPPINGS,
        {
            "mappings": [
                {"descriptor": "Unexcused Absence", "code": "T"},
                {"descriptor": "In Attendance", "code": "P"},
                {
                    "descriptor": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy",
                    "code": "L",
                },
            ]
        },
    )
    assert response.status_code == 200, response.content


def test_events_become_marks_through_the_mapping_table(api):
    map_codes(api)
    response = api.post(
        URL,
        [
            event("100000001", "2026-10-12"),  # a whole day: both sessions
            event("100000002", "2026-10-12", "In Attendance", _ext={"stepwise": {"session": "AM"}}),
            event(
                "100000002",
                "2026-10-12",
                "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy",
                _ext={"stepwise": {"session": "PM"}},
            ),
        ],
    )
    assert response.status_code == 200, response.content
    assert response.json()["detail"] == {"new marks": 4, "amended marks": 0}
    assert stored_codes("100000001") == ["T", "T"]
    assert stored_codes("100000002") == ["P", "L"]
    assert SESSIONS == ("AM", "PM")


def test_an_unmapped_descriptor_is_refused_naming_the_event_and_nothing_is_written(api):
    map_codes(api)
    response = api.post(
        URL, [event("100000001", "2026-10-12"), event("100000002", "2026-10-12", "Excused Absence")]
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "[1].attendanceEventCategoryDescriptor"
    assert error["row"] == 1
    assert "no code is mapped to 'Excused Absence'" in error["message"]
    assert not RegisterTerm.objects.exists()


def test_the_importers_problems_name_the_ed_fi_field(api):
    map_codes(api)
    response = api.post(URL, [event("100000001", "2026-10-12"), event("999", "2026-10-17")])
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "[1].studentReference.studentUniqueId": "'999' is not on NZ-1's roster",
        "[1].eventDate": "2026-10-17 is a Saturday",
    }


def test_another_schools_events_are_refused(api):
    map_codes(api)
    other = event("100000001", "2026-10-12")
    other["schoolReference"]["schoolId"] = other["sessionReference"]["schoolId"] = 255901001
    response = api.post(URL, [other])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "[0].schoolReference.schoolId"


def test_a_body_that_is_not_events_is_refused_with_a_message(api):
    cases = [
        (b"", ""),
        (b"{not json", ""),
        (b'"text"', ""),
        (b"[]", ""),
        (b"[1]", "[0]"),
        (
            json.dumps([{"eventDate": "2026-13-01"}]).encode(),
            "[0].studentReference.studentUniqueId",
        ),
        (b"\xff\xfe", ""),
    ]  # each: the body, and the field the first error names
    for body, field in cases:
        response = post_raw(api, body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field, body


def test_a_mapping_to_a_code_the_pack_lacks_is_refused_and_the_table_kept(api):
    map_codes(api)
    response = api.put(MAPPINGS, {"mappings": [{"descriptor": "Unexcused Absence", "code": "ZZ"}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "mappings[0].code"
    assert len(api.get(MAPPINGS).json()["mappings"]) == 3


def test_a_half_day_unexcused_absence_adds_exactly_one_absent_session(api):
    map_codes(api)
    # Left at lunchtime: half a day, the afternoon.
    half = event("100000001", "2026-10-12", eventDuration=0.5, departureTime="12:30:00")
    response = api.post(URL, [half])
    assert response.status_code == 200, response.content
    assert response.json()["detail"] == {"new marks": 1, "amended marks": 0}
    row = RegisterTerm.objects.get(student__national_id="100000001")
    slot = row.term.dates.slot(__import__("datetime").date(2026, 10, 12), "PM")
    assert stored_codes("100000001") == ["T"]
    assert row.marks[slot] != 0


def test_a_half_day_that_arrived_late_is_the_morning(api):
    map_codes(api)
    late = event("100000001", "2026-10-12", eventDuration=0.5, arrivalTime="12:40:00")
    assert api.post(URL, [late]).status_code == 200
    row = RegisterTerm.objects.get(student__national_id="100000001")
    slot = row.term.dates.slot(__import__("datetime").date(2026, 10, 12), "AM")
    assert row.marks[slot] != 0 and row.marks[slot + 1] == 0


def test_a_half_day_that_does_not_say_which_half_is_refused_naming_how_to_say_it(api):
    map_codes(api)
    response = api.post(URL, [event("100000001", "2026-10-12", eventDuration=0.5)])
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "[0].eventDuration"
    assert "arrivalTime" in error["message"] and "departureTime" in error["message"]
    assert not RegisterTerm.objects.exists()


def test_in_attendance_and_tardy_on_one_day_import_as_late(api):
    map_codes(api)
    response = api.post(
        URL,
        [
            event("100000002", "2026-10-12", "In Attendance"),
            event("100000002", "2026-10-12", "Tardy", eventDuration=0.05, arrivalTime="09:20:00"),
        ],
    )
    assert response.status_code == 200, response.content
    # The morning is late (Tardy outranks In Attendance); the afternoon present.
    assert stored_codes("100000002") == ["L", "P"]


def test_two_unranked_categories_for_one_session_are_refused_naming_both_events(api):
    map_codes(api)
    api.put(
        MAPPINGS,
        {"mappings": [{"descriptor": "Sick", "code": "S"}, {"descriptor": "Leave", "code": "J"}]},
    )
    pair = [event("100000002", "2026-10-12", "Sick"), event("100000002", "2026-10-12", "Leave")]
    response = api.post(URL, pair)
    assert response.status_code == 422
    messages = [e["message"] for e in response.json()["errors"]]
    assert all("line" not in m for m in messages), messages
    assert any("[0]" in m for m in messages), messages


def test_marks_repeated_with_different_codes_in_a_batch_name_the_row_not_a_line(api):
    rows = [
        {"student_id": "100000001", "date": "2026-10-12", "session": "AM", "code": "P"},
        {"student_id": "100000001", "date": "2026-10-12", "session": "AM", "code": "L"},
    ]
    response = api.post("/api/v1/schools/NZ-1/marks", {"rows": rows})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "rows[1].code"
    assert "line" not in error["message"] and "rows[0]" in error["message"]


def test_session_reference_is_required_and_checked(api):
    map_codes(api)
    missing = event("100000001", "2026-10-12")
    del missing["sessionReference"]
    wrong_term = event("100000001", "2026-10-12")
    wrong_term["sessionReference"]["sessionName"] = "Term 3 2026"
    unknown = event("100000001", "2026-10-12")
    unknown["sessionReference"]["sessionName"] = "Semester 9"
    response = api.post(URL, [missing])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["[0].sessionReference"]
    response = api.post(URL, [wrong_term, unknown])
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [
        "[0].sessionReference.sessionName",
        "[1].sessionReference.sessionName",
    ]
    assert "2026-10-12 is not in Term 3 2026" in errors[0]["message"]
    assert "'Semester 9' in school year 2026 is not a term of NZ-1" in errors[1]["message"]
    assert not RegisterTerm.objects.exists()


def test_the_session_may_be_named_by_its_term_key(api):
    map_codes(api)
    keyed = event("100000001", "2026-10-12")
    keyed["sessionReference"]["sessionName"] = "2026T4"
    assert api.post(URL, [keyed]).status_code == 200


def test_school_id_is_the_integer_school_number(api):
    map_codes(api)
    as_text = event("100000001", "2026-10-12")
    as_text["schoolReference"]["schoolId"] = "NZ-1"
    response = api.post(URL, [as_text])
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "[0].schoolReference.schoolId"
    assert "integer" in error["message"] and "427" in error["message"]


@pytest.mark.parametrize("category", ["Early departure", "Partial"])
def test_early_departure_and_partial_count_as_in_attendance_unless_mapped(api, category):
    map_codes(api)
    response = api.post(URL, [event("100000001", "2026-10-12", category)])
    assert response.status_code == 200, response.content
    assert stored_codes("100000001") == ["P", "P"]
