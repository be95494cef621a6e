"""Endpoints for other systems' own conventions: KAMAR's Directory Services push, and the
OAuth token and resource path an Ed-Fi client expects.

They register on the one API (stepwise.api.api), which imports this module last.
"""

import base64
import binascii
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse

from stepwise.schools.models import School

from . import edfi, kamar
from . import schemas as s
from .api import PUSH_ERRORS, KeyHeader, api, idempotent, token_of
from .edfi_events import events_post
from .formats import FieldError, FormatRejected
from .models import ApiToken
from .pushes import Pushed, import_rows, result_body
from .ratelimit import rate_check
from .services import Answer, token_authenticate, token_touch

# --- KAMAR Directory Services ------------------------------------------------------------


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """Return the user name and password of HTTP Basic credentials, or None if none were sent."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    return user, password


def _basic_token(request: HttpRequest) -> ApiToken | Literal[False] | None:
    """Return the token in HTTP Basic credentials' password; False if none were sent."""
    credentials = _basic_credentials(request)
    if credentials is None:
        return False
    return token_authenticate(credentials[1])


def _kamar(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="Stepwise"'
    return response


@api.post(
    "/schools/{code}/kamar",
    auth=None,
    response={200: dict[str, Any], 401: dict[str, Any], 403: dict[str, Any],
              422: dict[str, Any], 429: s.ErrorOut},
    url_name="kamar_push",
    tags=["push", "kamar"],
    openapi_extra={"security": [{"basicAuth": []}]},
)  # fmt: skip
def kamar_push(request: HttpRequest, code: str):
    """Receive KAMAR's Directory Services push (SMSDirectoryData, JSON) for the school.

    Set it up in KAMAR as a listening service at this address, with any user name and an
    API token of the school's organisation as the password. A `check` is answered with
    what Stepwise wants (student details and attendance); `full` and `part` pushes are
    imported as the roster, `attendance` pushes as register marks, all or nothing.
    Answers are KAMAR's envelope: {"SMSDirectoryData": {"error": 0, "result": "OK"}}.
    """
    token = _basic_token(request)
    if token is False:
        return _kamar(request, 401, kamar.envelope(401, "No Credentials Provided"))
    found = School.objects.filter(code=code).first()
    if token is None or found is None or found.organisation_id != token.organisation_id:
        return _kamar(request, 403, kamar.envelope(403, "Authentication Failed"))
    rate_check(token)
    token_touch(token)
    try:
        push = kamar.read_push(request.body, found)
        if push.sync == "check":
            return _kamar(request, 200, kamar.check_answer())
        if push.sync in ("full", "part"):
            rows, origins = kamar.roster_rows(push.data, found)
            pushed = import_rows(kind="roster", school=found, token=token, rows=rows,
                                 origins=origins)  # fmt: skip
        elif push.sync == "attendance":
            rows, origins, warnings = kamar.register_rows(push.data, found)
            pushed = import_rows(kind="register", school=found, token=token, rows=rows,
                                 origins=origins)  # fmt: skip
            pushed = Pushed(pushed.result, [*warnings, *pushed.warnings])
        else:
            return _kamar(
                request, 200, kamar.envelope(0, f"OK: Stepwise does not keep {push.sync}")
            )
    except FormatRejected as e:
        shown = "; ".join(f"{x.field}: {x.message}" for x in e.errors[:10])
        body = kamar.envelope(422, f"{e.detail}: {shown}", errors=[x.as_dict() for x in e.errors])
        return _kamar(request, 422, body)
    return _kamar(request, 200, kamar.envelope(0, "OK", imported=result_body(pushed)))


# --- Ed-Fi resources, for Ed-Fi clients as they are ---------------------------------------


@api.post(
    "/oauth/token",
    auth=None,
    response={200: dict[str, Any], 400: dict[str, Any], 401: dict[str, Any]},
    url_name="oauth_token",
    tags=["ed-fi"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
def oauth_token(request: HttpRequest):
    """Give an Ed-Fi client its access token by OAuth 2 client credentials.

    The client id is the token's visible start, `swt_<prefix>`; the client secret is the
    whole API token, sent as HTTP Basic credentials or as form fields. The access token
    is the API token itself, for `Authorization: Bearer`.
    """
    client_id, secret = _basic_credentials(request) or (
        request.POST.get("client_id", ""),
        request.POST.get("client_secret", ""),
    )
    if request.POST.get("grant_type") != "client_credentials":
        return api.create_response(request, {"error": "unsupported_grant_type"}, status=400)
    token = token_authenticate(secret)
    if token is None or client_id != f"swt_{token.prefix}":
        response = api.create_response(request, {"error": "invalid_client"}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="Stepwise"'
        return response
    rate_check(token)
    body = {"access_token": secret, "token_type": "bearer", "expires_in": edfi.TOKEN_LIFETIME}
    return api.create_response(request, body, status=200)


OBJECT = {"type": "object"}


def _problem(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = edfi.PROBLEM_TYPE
    return response


@api.post(
    "/ed-fi/studentSchoolAttendanceEvents",
    response={200: s.PushOut, 201: s.PushOut, 400: dict[str, Any], 403: dict[str, Any],
              **PUSH_ERRORS},
    url_name="edfi_events",
    tags=["ed-fi"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"oneOf": [
                s.EDFI_EVENT_SCHEMA,
                {"type": "array", "maxItems": s.MAX_ROWS // 2, "items": s.EDFI_EVENT_SCHEMA},
            ]}}},
        },
        "responses": {
            status: {"description": what, "content": {edfi.PROBLEM_TYPE: {"schema": OBJECT}}}
            for status, what in ((400, "Ed-Fi problem details: the events were not imported"),
                                 (403, "Ed-Fi problem details: not this token's school"))
        },
    },
)  # fmt: skip
def edfi_events(request: HttpRequest, idempotency_key=KeyHeader):
    """Take StudentSchoolAttendanceEvents at Ed-Fi's path: one resource, or an array.

    The school is the one of the token's organisation whose number is the events'
    schoolReference.schoolId. Each event is kept as a resource, upserted by its natural
    key (student, school, term, date, category), and the marks of its day come from all
    the day's kept events by the documented precedence. Answered 201 (with a Location
    for one event) when an event was new, 200 when every one was there already, and
    errors as Ed-Fi's problem details (400, validationErrors by JSON path).
    """
    token = token_of(request)
    body = request.body
    single = body.lstrip()[:1] == b"{"
    numbers = edfi.school_numbers(body)
    schools = School.objects.filter(organisation_id=token.organisation_id)
    number = next(iter(numbers)) if len(numbers) == 1 else None
    found = next(
        (x for x in schools if isinstance(number, int) and x.school_number.isdigit()
         and int(x.school_number) == number),
        None,
    )  # fmt: skip
    if found is None and isinstance(number, int):
        detail = f"the token may not post events for school {number}"
        return _problem(request, 403, edfi.problem(403, edfi.ACCESS_DENIED, detail, [], single))
    if found is None:
        found = schools.first()  # the body's own problems are the answer, below
        if found is None or len(numbers) > 1:
            errors = [FieldError("send events for one school at a time", "schoolReference")]
            body_out = edfi.problem(400, edfi.VALIDATION, "not imported", errors, single)
            return _problem(request, 400, body_out)

    ids: list[str] = []

    def push() -> Answer:
        try:
            pushed, sent, created = events_post(school=found, token=token, data=body)
        except FormatRejected as e:
            return Answer(400, edfi.problem(400, edfi.VALIDATION, e.detail, e.errors, single))
        ids.extend(sent)
        return Answer(201 if created else 200, result_body(pushed))

    response = idempotent(request, found, idempotency_key, [body], push)
    if response.status_code == 400:
        response["Content-Type"] = edfi.PROBLEM_TYPE
    if single and len(ids) == 1:
        response["Location"] = request.build_absolute_uri(f"{request.path}/{ids[0]}")
    return response
