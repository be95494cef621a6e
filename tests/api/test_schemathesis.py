"""Schemathesis fuzzes every operation of the OpenAPI document, signed in with a real token.

It generates requests from the document (valid and not) and checks each answer: never a
500, a status code the document lists, the content type it names, and a body that
matches its schema. Bounded: a few examples per operation, no deadline per example.
Path parameters are pointed at the test school and its term, so the requests reach the
code behind the lookups rather than stopping at 404.
"""

import pytest
import schemathesis
from django.test.client import ClientHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stepwise.api.api import api
from tests.conftest import FUZZ_PROPERTIES

from .conftest import WEEK, marks

SCHEMATHESIS_PROPERTY = "schemathesis_requests"
assert SCHEMATHESIS_PROPERTY in FUZZ_PROPERTIES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def week(api):
    rows = marks("100000001", WEEK, "T") + marks("100000002", WEEK, "P")
    assert api.post("/api/v1/schools/NZ-1/marks", {"rows": rows}).status_code == 200
    return api


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
def test_every_operation_keeps_to_its_schema(case, week, record_property):
    if "code" in (case.path_parameters or {}):
        case.path_parameters["code"] = "NZ-1"
    if "term" in (case.path_parameters or {}):
        case.path_parameters["term"] = "2026T4"
    response = case.call_and_validate(headers=week.headers(), checks=CHECKS)
    assert response.status_code < 500
    record_property(SCHEMATHESIS_PROPERTY, 1)
