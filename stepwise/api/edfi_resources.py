"""Ed-Fi's StudentSchoolAttendanceEvents by query and by id: GET, PUT and DELETE.

A token reaches the events of its own organisation's schools only; any other id is
404, as if it did not exist. Errors are Ed-Fi's problem details. Registered on the one
API (stepwise.api.api), which imports this module last.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query

from . import edfi
from . import schemas as s
from .api import ERRORS, api, audit, token_of
from .edfi_events import KeyChanged, event_delete, event_put, resource
from .formats import FieldError, FormatRejected
from .models import EdFiAttendanceEvent
from .standards import OBJECT, _problem

EVENTS = "/ed-fi/studentSchoolAttendanceEvents"
DEFAULT_LIMIT = 25  # Ed-Fi's default page, and its largest
MOST_LIMIT = 500
# PostgreSQL's text cannot hold NUL: a query naming one would fail, not find nothing.
TEXT = r"^[^\x00]*$"


def _problem_responses(*statuses: tuple[int, str]) -> dict[int, Any]:
    return {status: {"description": what, "content": {edfi.PROBLEM_TYPE: {"schema": OBJECT}}}
            for status, what in statuses}  # fmt: skip


NOT_FOUND = (404, "Ed-Fi problem details: no such event for this token")


def _event_for_token(request: HttpRequest, event_id: str) -> EdFiAttendanceEvent | None:
    return (
        EdFiAttendanceEvent.objects.select_related("school")
        .filter(resource_id=event_id, school__organisation_id=token_of(request).organisation_id)
        .first()
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    body = edfi.problem(404, edfi.NOT_FOUND, "the event does not exist or is not yours", [], True)
    return _problem(request, 404, body)


@api.get(
    EVENTS,
    response={200: list[dict[str, Any]], **ERRORS},
    url_name="edfi_events_query",
    tags=["ed-fi"],
)
def edfi_events_query(
    request: HttpRequest,
    student_unique_id: str | None = Query(
        None, alias="studentUniqueId", max_length=40, pattern=TEXT
    ),
    school_id: int | None = Query(None, alias="schoolId"),
    event_date: date | None = Query(None, alias="eventDate"),
    descriptor: str | None = Query(
        None, alias="attendanceEventCategoryDescriptor", max_length=300, pattern=TEXT
    ),
    school_year: int | None = Query(None, alias="schoolYear", ge=1900, le=9999),
    session_name: str | None = Query(None, alias="sessionName", max_length=60, pattern=TEXT),
    limit: int = Query(DEFAULT_LIMIT, ge=0, le=MOST_LIMIT),
    offset: int = Query(0, ge=0),
    total_count: bool = Query(False, alias="totalCount"),
):
    """List the token's events, filtered by natural-key fields, `limit` at a time.

    With `totalCount=true` the answer's Total-Count header says how many match in all.
    """
    found = EdFiAttendanceEvent.objects.filter(
        school__organisation_id=token_of(request).organisation_id
    ).select_related("school")
    filters = {
        "student_unique_id": student_unique_id,
        "event_date": event_date,
        "school_year": school_year,
        "session_name": session_name,
    }
    found = found.filter(**{k: v for k, v in filters.items() if v is not None})
    if descriptor is not None:
        found = found.filter(descriptor=descriptor)
    if school_id is not None:
        found = found.filter(school__school_number=str(school_id))
    rows = list(found[offset : offset + limit])
    audit(request, None, "list", "edfi_events", request.GET.urlencode(),
          organisation=token_of(request).organisation)  # fmt: skip
    response = api.create_response(request, [resource(r) for r in rows], status=200)
    if total_count:
        response["Total-Count"] = str(found.count())
    return response


@api.get(
    EVENTS + "/{event_id}",
    response={200: dict[str, Any], **ERRORS, 404: dict[str, Any]},
    url_name="edfi_event",
    tags=["ed-fi"],
    openapi_extra={"responses": _problem_responses(NOT_FOUND)},
)
def edfi_event(request: HttpRequest, event_id: str):
    """Give one event by its id."""
    row = _event_for_token(request, event_id)
    if row is None:
        return _not_found(request)
    audit(request, row.school, "view", "edfi_event", row.resource_id)
    return api.create_response(request, resource(row), status=200)


WRITE_RESPONSES: dict[int, Any] = {204: None, **ERRORS, 400: dict[str, Any], 404: dict[str, Any]}
KEY_CHANGE_DETAIL = ("the student, school, session, date and category of an event are its key: "
                     "delete it and post the new one instead")  # fmt: skip


def _write(
    request: HttpRequest, event_id: str, change: Callable[[EdFiAttendanceEvent], object]
) -> HttpResponse:
    """Change the token's event by `change`: 204, or 404, or 400 in problem details."""
    row = _event_for_token(request, event_id)
    if row is None:
        return _not_found(request)
    try:
        change(row)
    except FormatRejected as e:
        body = edfi.problem(400, edfi.VALIDATION, e.detail, e.errors, True)
        return _problem(request, 400, body)
    except KeyChanged:
        errors = [FieldError(KEY_CHANGE_DETAIL, "")]
        body = edfi.problem(400, edfi.KEY_CHANGE, KEY_CHANGE_DETAIL, errors, True)
        return _problem(request, 400, body)
    return HttpResponse(status=204)


@api.put(
    EVENTS + "/{event_id}",
    response=WRITE_RESPONSES,
    url_name="edfi_event_put",
    tags=["ed-fi"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": s.EDFI_EVENT_SCHEMA}},
        },
        "responses": _problem_responses(
            (400, "Ed-Fi problem details: not valid, or a change to the natural key"), NOT_FOUND
        ),
    },
)
def edfi_event_put(request: HttpRequest, event_id: str):
    """Replace an event (its duration, times, extension); the natural key may not change."""
    token = token_of(request)
    return _write(request, event_id, lambda row: event_put(row=row, token=token,
                                                          data=request.body))  # fmt: skip


@api.delete(
    EVENTS + "/{event_id}",
    response=WRITE_RESPONSES,
    url_name="edfi_event_delete",
    tags=["ed-fi"],
    openapi_extra={
        "responses": _problem_responses(
            (400, "Ed-Fi problem details: the day's other events no longer import"), NOT_FOUND
        )
    },
)
def edfi_event_delete(request: HttpRequest, event_id: str):
    """Delete an event; the marks of its day come again from the day's other events."""
    token = token_of(request)
    return _write(request, event_id, lambda row: event_delete(row=row, token=token))
