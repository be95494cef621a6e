"""Schemathesis fuzzes every operation of the OpenAPI document, signed in with a real token.

It generates requests from the document (valid and not) and checks each answer: never a
500, a status code the document lists, the content type it names, and a body that
matches its schema. Bounded: a few examples per operation, no deadline per example.
Path parameters are pointed at the test school and its term, so the requests reach the
code behind the lookups rather than stopping at 404.
"""

import pytest
import schemathesis
import schemathesis.specs.openapi.checks
from django.test.client import ClientHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from stepwise.api.api import api
from tests.conftest import FUZZ_PROPERTIES

from .conftest import WEEK, marks
from .test_edfi import event

SCHEMATHESIS_PROPERTY = "schemathesis_requests"
assert SCHEMATHESIS_PROPERTY in FUZZ_PROPERTIES

# Operations that check a well-formed request against the school's records, with the
# status of that refusal: a student not on its roster, a code outside its pack, a day
# outside its terms, a period that ends before it starts. A schema cannot list a
# school's students, so a schema-valid request may be refused there, naming the field.
RECORD_CHECKED = {
    "POST /api/v1/schools/{code}/roster": 422,
    "POST /api/v1/schools/{code}/caregivers": 422,
    "POST /api/v1/schools/{code}/marks": 422,
    "POST /api/v1/schools/{code}/edfi/student-school-attendance-events": 422,
    "PUT /api/v1/schools/{code}/edfi/code-mappings": 422,
    "POST /api/v1/schools/{code}/oneroster": 422,
    "GET /api/v1/schools/{code}/ministry-export/{table}": 422,
    "POST /api/v1/schools/{code}/responses": 422,
    "POST /api/v1/ed-fi/studentSchoolAttendanceEvents": 400,
    "PUT /api/v1/ed-fi/studentSchoolAttendanceEvents/{event_id}": 400,
}


def positive_data_acceptance_by_records(ctx, response, case):
    """Accept schema-valid data, unless the school's records refuse it by a named field."""
    if RECORD_CHECKED.get(case.operation.label) == response.status_code:
        errors = response.json().get("errors")
        assert errors and all(e["message"] for e in errors), response.text
        return None
    return positive_data_acceptance(ctx, response, case)


# Every check schemathesis has, so a looser schema or a laxer answer fails here.
CHECKS = [
    positive_data_acceptance_by_records if check is positive_data_acceptance else check
    for check in REGISTERED.get_by_names(REGISTERED.get_all_names())
]


@pytest.fixture
def week(api):
    rows = marks("100000001", WEEK, "T") + marks("100000002", WEEK, "P")
    assert api.post("/api/v1/schools/NZ-1/marks", {"rows": rows}).status_code == 200
    return api


@pytest.fixture
def event_id(week, nz_roster) -> str:
    """Return the id of an Ed-Fi event of the school, for the operations that take one."""
    nz_roster.school_number = "427"
    nz_roster.save()
    mapped = {"mappings": [{"descriptor": "Unexcused Absence", "code": "T"}]}
    assert week.put("/api/v1/schools/NZ-1/edfi/code-mappings", mapped).status_code == 200
    response = week.post("/api/v1/ed-fi/studentSchoolAttendanceEvents", event("100000001", WEEK[0]))
    assert response.status_code == 201, response.content
    return response["Location"].rsplit("/", 1)[1]


class InProcessApp:
    """The Django app as a WSGI app, through the test client's handler.

    Django's own WSGI handler closes the database connection after each request,
    which ends the test's transaction on PostgreSQL; the test client's does not.
    """

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=False)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, [*response.items()])
        if response.streaming:
            return [b"".join(response.streaming_content)]
        return [response.content]


# The document the API serves at /api/v1/openapi.json, sent to the app in-process (WSGI).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = InProcessApp()
# The coverage phase alone sends about a thousand requests: too slow for every run.
schema.config.phases.coverage.enabled = False


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_to_its_schema(case, week, event_id, record_property):
    if "code" in (case.path_parameters or {}):
        case.path_parameters["code"] = "NZ-1"
    if "term" in (case.path_parameters or {}):
        case.path_parameters["term"] = "2026T4"
    if "event_id" in (case.path_parameters or {}):
        case.path_parameters["event_id"] = event_id
    # A case that leaves out or mangles headers on purpose is sent as generated: signing
    # it in would send the very header it tests the absence of.
    header = (case.meta.components if case.meta else {}).get(ParameterLocation.HEADER)
    signed_in = header is None or not header.mode.is_negative
    response = case.call_and_validate(headers=week.headers() if signed_in else {}, checks=CHECKS)
    assert response.status_code < 500
    record_property(SCHEMATHESIS_PROPERTY, 1)
