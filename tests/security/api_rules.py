"""The authorisation matrix's rules for the API (/api/v1/), where a token, not a session, signs in.

Every API URL name must be here (API_RULES) or skipped with a reason (API_SKIPPED):
test_authorisation_matrix.py fails for a URL in neither. test_api_matrix.py asks each
URL, pointed at school B's objects and at objects that do not exist, with the API
tokens of school A, service X, the Ministry and the prosecutions team, with every
signed-in user's session and with nothing: tokens must get 404 (or 405 for a method
the URL does not take), the others 401, and the real object's answer must be the
same as the missing one's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from .world import TERM_KEY, World

NO_SCHOOL = "ZZ-NOPE"
NO_TERM = "2099T4"
NO_PK = 999999

API_SKIPPED = {
    "api:openapi-json": "the OpenAPI document: public by design, it describes the API and "
    "names no organisation's object",
    "api:openapi-view": "the browsable docs page for the OpenAPI document, public by design",
    "api:api-root": "the API's root address, which names no organisation's object",
    "api_docs_asset": "static files of the docs page (Swagger UI), public like any static file",
    "api:oauth_token": "the OAuth token exchange: it takes a token's own credentials and gives "
    "back that token, naming no organisation's object (tests/api/test_edfi_resources.py)",
    "api:edfi_events": "the school is the events' schoolId, not the address; another "
    "organisation's school is refused 403 (tests/api/test_edfi_resources.py)",
    "api:kamar_push": "KAMAR's push takes HTTP Basic credentials, not a bearer token; "
    "tests/api/test_kamar.py refuses another school's token and none",
}


@dataclass(frozen=True)
class ApiCase:
    what: str
    real: str  # the URL of B's object, which exists
    fakes: tuple[str, ...]  # URLs of the same kind of object, which do not


@dataclass(frozen=True)
class ApiRule:
    cases: Callable[[World], list[ApiCase]] | None  # None: a list with no object in its URL
    body: Callable[[World], Any] | None = None  # a complete, valid-looking JSON body


def by_school(name: str, query: str = "", **kwargs: str) -> Callable[[World], list[ApiCase]]:
    def cases(w: World) -> list[ApiCase]:
        def url(code: str) -> str:
            return reverse(name, kwargs={"code": code, **kwargs}) + (f"?{query}" if query else "")

        return [ApiCase(f"school B {kwargs or ''}", url(w.school_b.code), (url(NO_SCHOOL),))]

    return cases


def by_term(name: str) -> Callable[[World], list[ApiCase]]:
    def cases(w: World) -> list[ApiCase]:
        def url(code: str, term: str) -> str:
            return reverse(name, kwargs={"code": code, "term": term})

        b = w.school_b.code
        return [
            ApiCase(
                "school B's term", url(b, TERM_KEY), (url(NO_SCHOOL, TERM_KEY), url(b, NO_TERM))
            )
        ]

    return cases


def by_service(w: World) -> list[ApiCase]:
    def url(pk: int) -> str:
        return reverse("api:service_cases", kwargs={"service_id": pk})

    return [
        ApiCase("service Y", url(w.service_y.pk), (url(NO_PK),)),
        ApiCase("school B's organisation", url(w.school_b.organisation.pk), (url(NO_PK),)),
    ]


def by_edfi_event(name: str) -> Callable[[World], list[ApiCase]]:
    def cases(w: World) -> list[ApiCase]:
        def url(event_id: str) -> str:
            return reverse(name, kwargs={"event_id": event_id})

        return [
            ApiCase("school B's Ed-Fi event", url(w.edfi_event_b.resource_id), (url("f" * 32),))
        ]

    return cases


def marks_body(w: World) -> dict[str, Any]:
    nid = w.student_b.national_id
    return {"rows": [{"student_id": nid, "date": "2026-11-20", "session": "AM", "code": "P"}]}


def roster_body(w: World) -> dict[str, Any]:
    return {
        "rows": [
            {
                "student_id": w.student_b.national_id,
                "given_name": "Renamed",
                "family_name": "From Outside",
                "birth_date": "2013-03-04",
                "year_level": 8,
                "enrolled_from": "2026-02-02",
            }
        ]
    }


def caregivers_body(w: World) -> dict[str, Any]:
    return {
        "rows": [
            {
                "student_id": w.student_b.national_id,
                "caregiver_id": "CG-OUT",
                "given_name": "Outside",
                "family_name": "Person",
                "relationship": "mother",
                "lives_with_student": True,
                "parental_responsibility": True,
            }
        ]
    }


def edfi_body(w: World) -> list[dict[str, Any]]:
    return [
        {
            "schoolReference": {"schoolId": w.school_b.code},
            "studentReference": {"studentUniqueId": w.student_b.national_id},
            "eventDate": "2026-11-20",
            "attendanceEventCategoryDescriptor": "Unexcused Absence",
        }
    ]


def response_body(w: World) -> dict[str, Any]:
    return {
        "student_id": w.student_b.national_id,
        "response_type": "conversation",
        "happened_on": "2026-11-20",
        "done_by": "Someone from outside",
        "threshold_event_id": w.event_b.pk,
        "notes": "written from outside",
    }


API_RULES: dict[str, ApiRule] = {
    "api:schools": ApiRule(None),
    "api:school": ApiRule(by_school("api:school")),
    "api:push_roster": ApiRule(by_school("api:push_roster"), roster_body),
    "api:push_caregivers": ApiRule(by_school("api:push_caregivers"), caregivers_body),
    "api:push_marks": ApiRule(by_school("api:push_marks"), marks_body),
    "api:push_edfi": ApiRule(by_school("api:push_edfi"), edfi_body),
    "api:edfi_mappings": ApiRule(by_school("api:edfi_mappings")),
    "api:edfi_mappings_replace": ApiRule(
        by_school("api:edfi_mappings_replace"),
        lambda w: {"mappings": [{"descriptor": "Unexcused Absence", "code": "T"}]},
    ),
    # A multipart upload: the empty POST stands for it (a JSON body is refused the same way).
    "api:push_oneroster": ApiRule(by_school("api:push_oneroster")),
    "api:standings": ApiRule(by_term("api:standings")),
    "api:standings_export": ApiRule(by_term("api:standings_export")),
    "api:oneroster_export": ApiRule(by_school("api:oneroster_export")),
    "api:ministry_export_table": ApiRule(
        by_school("api:ministry_export_table", "from=2026-10-12&to=2026-11-20", table="attendance")
    ),
    "api:threshold_events": ApiRule(by_school("api:threshold_events")),
    "api:early_warning": ApiRule(by_school("api:early_warning")),
    "api:responses": ApiRule(by_school("api:responses")),
    "api:response_add": ApiRule(by_school("api:response_add"), response_body),
    "api:service_cases": ApiRule(by_service),
    # The token's own organisation's events: none of school B's is listed.
    "api:edfi_events_query": ApiRule(None),
    # One address for GET, PUT and DELETE; the matrix sends GET, POST and PUT to each name.
    "api:edfi_event": ApiRule(by_edfi_event("api:edfi_event")),
    "api:edfi_event_put": ApiRule(
        by_edfi_event("api:edfi_event_put"),
        lambda w: {**edfi_body(w)[0], "eventDate": "2026-11-20"},
    ),
    "api:edfi_event_delete": ApiRule(by_edfi_event("api:edfi_event_delete")),
}
