"""Ed-Fi's StudentSchoolAttendanceEvents as resources: by query, and by id with GET, PUT, DELETE.

Who may see what: `api` acts for Kauri Test College (NZ-1) and reaches its events;
`other_api` acts for Rimu School's organisation and must get 404 for every one of them,
exactly as for an id that never existed.
"""

from stepwise.audit.models import AuditEvent

from .test_edfi import event, map_codes, numbered, stored_codes  # noqa: F401

EVENTS = "/api/v1/ed-fi/studentSchoolAttendanceEvents"
TARDY = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy"
DAY = "2026-10-12"


def posted(api, body) -> str:
    response = api.post(EVENTS, body)
    assert response.status_code in (200, 201), response.content
    return response["Location"].rsplit("/", 1)[1]


def present_then_tardy(api) -> tuple[str, str]:
    """Post a whole day in attendance and a morning late arrival; return their ids."""
    map_codes(api)
    present = posted(api, event("100000001", DAY, "In Attendance"))
    late = posted(api, event("100000001", DAY, TARDY, eventDuration=0.5, arrivalTime="09:40:00"))
    return present, late


def test_an_event_posted_is_read_back_by_its_id(api):
    map_codes(api)
    response = api.post(EVENTS, event("100000001", DAY))
    assert response.status_code == 201
    event_id = response["Location"].rsplit("/", 1)[1]
    assert response["Location"].endswith(f"/ed-fi/studentSchoolAttendanceEvents/{event_id}")
    got = api.get(f"{EVENTS}/{event_id}")
    assert got.status_code == 200
    body = got.json()
    assert body["id"] == event_id and body["eventDate"] == DAY
    assert body["studentReference"] == {"studentUniqueId": "100000001"}
    assert body["_etag"] and body["_lastModifiedDate"].endswith("Z")
    assert AuditEvent.objects.filter(object_type="edfi_event", object_id="NZ-1").exists()


def test_posting_the_same_natural_key_again_updates_the_one_event(api):
    map_codes(api)
    first = posted(api, event("100000001", DAY))
    again = api.post(EVENTS, event("100000001", DAY, eventDuration=1))
    assert again.status_code == 200
    assert again["Location"].endswith(first)
    assert api.get(f"{EVENTS}/{first}").json()["eventDuration"] == 1
    assert len(api.get(EVENTS).json()) == 1


def test_in_attendance_and_tardy_on_one_day_are_two_events_and_tardy_wins_the_morning(api):
    present, late = present_then_tardy(api)
    assert present != late
    assert stored_codes("100000001") == ["L", "P"]


def test_events_are_found_by_natural_key_fields_a_page_at_a_time(api):
    present_then_tardy(api)
    posted(api, event("100000002", DAY))
    # (query parameters, how many events they find)
    for query, count in [
        ({}, 3),
        ({"studentUniqueId": "100000001"}, 2),
        ({"studentUniqueId": "100000001", "attendanceEventCategoryDescriptor": TARDY}, 1),
        ({"eventDate": "2026-10-13"}, 0),
        ({"schoolId": 427, "schoolYear": 2026, "sessionName": "Term 4 2026"}, 3),
        ({"schoolId": 999}, 0),
        ({"limit": 2}, 2),
        ({"limit": 2, "offset": 2}, 1),
    ]:
        response = api.get(EVENTS, query)
        assert response.status_code == 200, (query, response.content)
        assert len(response.json()) == count, query
    counted = api.get(EVENTS, {"limit": 1, "totalCount": "true"})
    assert counted["Total-Count"] == "3" and len(counted.json()) == 1
    assert "Total-Count" not in api.get(EVENTS)
    assert api.get(EVENTS, {"eventDate": "12/10/2026"}).status_code in (400, 422)
    assert api.get(EVENTS, {"limit": 501}).status_code in (400, 422)


def test_put_replaces_an_event_and_its_marks(api):
    _, late = present_then_tardy(api)
    changed = event("100000001", DAY, TARDY, eventDuration=0.5, departureTime="13:10:00")
    response = api.put(f"{EVENTS}/{late}", changed)
    assert response.status_code == 204, response.content
    assert api.get(f"{EVENTS}/{late}").json()["departureTime"] == "13:10:00"
    # Now an early departure: the morning is the day's "In Attendance" again.
    assert stored_codes("100000001") == ["P", "L"]


def test_put_may_not_change_the_natural_key(api):
    _, late = present_then_tardy(api)
    moved = event("100000001", "2026-10-13", TARDY, eventDuration=0.5, arrivalTime="09:40:00")
    response = api.put(f"{EVENTS}/{late}", moved)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:ed-fi:api:bad-request:key-change-not-supported"
    assert api.get(f"{EVENTS}/{late}").json()["eventDate"] == DAY
    other_id = api.put(f"{EVENTS}/{late}", {**moved, "eventDate": DAY, "id": "0" * 32})
    assert other_id.status_code == 400
    assert other_id.json()["validationErrors"] == {"$.id": ["is not the id in the address"]}


def test_put_with_a_bad_event_is_refused_in_problem_details_and_changes_nothing(api):
    _, late = present_then_tardy(api)
    bad = event("100000001", DAY, TARDY, eventDuration=3)
    response = api.put(f"{EVENTS}/{late}", bad)
    assert response.status_code == 400
    assert response.json()["validationErrors"] == {
        "$.eventDuration": ["must be a number of days from 0 to 1"]
    }
    assert api.get(f"{EVENTS}/{late}").json()["eventDuration"] == 0.5
    assert stored_codes("100000001") == ["L", "P"]


def test_delete_removes_the_event_and_its_day_is_marked_again_from_the_rest(api):
    _, late = present_then_tardy(api)
    assert api.client.delete(f"{EVENTS}/{late}", headers=api.headers()).status_code == 204
    assert api.get(f"{EVENTS}/{late}").status_code == 404
    assert stored_codes("100000001") == ["P", "P"]
    again = api.client.delete(f"{EVENTS}/{late}", headers=api.headers())
    assert again.status_code == 404
    assert again.json()["type"] == "urn:ed-fi:api:not-found"


def test_another_organisations_token_finds_none_of_the_events(api, other_api):
    _, late = present_then_tardy(api)
    for response in (
        other_api.get(f"{EVENTS}/{late}"),
        other_api.put(f"{EVENTS}/{late}", event("100000001", DAY, TARDY)),
        other_api.client.delete(f"{EVENTS}/{late}", headers=other_api.headers()),
    ):
        assert response.status_code == 404
        assert response.json()["type"] == "urn:ed-fi:api:not-found"
    unknown = api.get(f"{EVENTS}/{'f' * 32}")
    assert unknown.status_code == 404 and unknown.json() == other_api.get(f"{EVENTS}/{late}").json()
    assert other_api.get(EVENTS).json() == []
    assert api.get(f"{EVENTS}/{late}").json()["arrivalTime"] == "09:40:00"
    assert stored_codes("100000001") == ["L", "P"]


def test_a_query_naming_a_nul_byte_is_refused_not_a_server_error(api):
    for name in ("studentUniqueId", "sessionName", "attendanceEventCategoryDescriptor"):
        assert api.get(EVENTS, {name: "a\x00b"}).status_code == 422, name


def test_an_event_naming_a_nul_byte_is_refused_in_problem_details(api):
    map_codes(api)
    response = api.post(EVENTS, event("1000\x000001", DAY))
    assert response.status_code == 400
    assert response.json()["validationErrors"]["$.studentReference.studentUniqueId"] == [
        "holds a NUL byte"
    ]
