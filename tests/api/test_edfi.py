"""Ed-Fi StudentSchoolAttendanceEvents in, through the school's code mapping table."""

import json

from django.test import Client

from stepwise.register.models import RegisterTerm
from stepwise.rules.calendar import SESSIONS

URL = "/api/v1/schools/NZ-1/edfi/student-school-attendance-events"
MAPPINGS = "/api/v1/schools/NZ-1/edfi/code-mappings"
UNEXCUSED = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence"


def event(student: str, day: str, descriptor: str = UNEXCUSED, **extra) -> dict:
    return {
        "schoolReference": {"schoolId": "NZ-1"},
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
    other["schoolReference"]["schoolId"] = 255901001
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
