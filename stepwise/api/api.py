"""API v1: what a school's student management system pushes and pulls.

Every endpoint but the OpenAPI document and its browsable docs needs a token
(`Authorization: Bearer swt_…`), made by an organisation admin on the token page.
A token acts for its organisation only: another organisation's school is 404, as
if it did not exist. Errors always have the same body, {"detail": ..., "errors":
[{"field": ..., "row": ..., "message": ...}]}, naming the field at fault.

Pushes (roster, caregivers, marks, Ed-Fi events, OneRoster files) go through the
CSV importers: the same checks, all or nothing, harmless to repeat. With an
Idempotency-Key header, a repeat of a push that succeeded gets the first answer
again (header Idempotent-Replayed: true) without importing anything.

Reads of children's records (standings, threshold events, early warning,
responses, exports) are written to the audit log like page views: one entry per
request, in the token's name.
"""

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from ninja import File, Header, NinjaAPI, Path, Query, UploadedFile
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer

from stepwise.accounts.models import Organisation
from stepwise.audit.models import AuditEvent
from stepwise.cases.models import Case
from stepwise.dashboard.export import (
    ATTENDANCE_COLUMNS,
    RESPONSE_COLUMNS,
    PeriodError,
    attendance_rows,
    export_file_name,
    parse_period,
    response_rows,
)
from stepwise.dashboard.selectors import early_warning
from stepwise.register.selectors import register_version
from stepwise.responses.models import Description, ResponseActivity
from stepwise.responses.services import ResponseError, response_record
from stepwise.responses.timeliness import Deadlines, with_first_answer
from stepwise.schools.models import School
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import current_term, term_rows
from stepwise.standings.table import flat_standing, standing_columns
from stepwise.web.csvfiles import yes_no
from stepwise.web.files import download
from stepwise.web.uploads import too_big

from . import schemas as s
from .access import (
    get_school_for_token,
    get_service_for_token,
    get_student_of_school,
    get_term_of_school,
)
from .exports import (
    ATTENDANCE_TYPES,
    CONTENT_TYPES,
    RESPONSE_TYPES,
    standing_types,
    write_table,
)
from .formats import ONEROSTER_FILES, FieldError, FormatRejected
from .models import ApiToken
from .oneroster import oneroster_export, read_bundle
from .pushes import Pushed, push_batch, push_edfi, push_oneroster, result_body
from .ratelimit import RateLimited, rate_check
from .services import Answer, KeyReused, push_once, request_digest, token_authenticate, token_touch

ERRORS: dict[int, Any] = {
    401: s.ErrorOut,
    404: s.ErrorOut,
    422: s.ErrorOut,
    429: s.ErrorOut,
}
PUSH_ERRORS: dict[int, Any] = {**ERRORS, 400: s.ErrorOut, 409: s.ErrorOut, 413: s.ErrorOut}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_authenticate(token)
        if found is not None:
            rate_check(found)
            token_touch(found)
        return found


class LocalSwagger(DocsBase):
    """Swagger UI served from the ninja package's own files, so the CSP can stay 'self'."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {"openapi_url": self.get_openapi_url(api, kwargs), "title": api.title},
        )


api = NinjaAPI(
    title="Stepwise API",
    version="1",
    description=(__doc__ or "").split("\n", 2)[2].strip()
    + "\n\nThe integration guide is docs/integration.md in the repository.",
    urls_namespace="api",
    auth=TokenAuth(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


# --- Errors: one body for every kind -------------------------------------------------


def error_body(detail: str, errors: Sequence[FieldError] = (), more: int = 0) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "errors": [e.as_dict() for e in errors]}
    if more:
        body["detail"] += f" (and {more} more problems not listed)"
    return body


def _error(request: HttpRequest, status: int, detail: str, errors=(), more: int = 0):
    return api.create_response(request, error_body(detail, errors, more), status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        loc = list(e.get("loc", ()))
        if loc and loc[0] in ("body", "query", "path", "header", "form", "file"):
            loc = loc[1:]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        row = loc[1] if len(loc) > 1 and loc[0] == "rows" and isinstance(loc[1], int) else None
        field = ""
        for part in loc:
            field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
        errors.append(FieldError(str(e.get("msg", "is not valid")), field, row))
    return _error(request, 422, "the request does not match the API's schema", errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Raised by ninja itself, e.g. 400 for a body that is not JSON.
    field = "body" if exc.status_code == 400 else ""
    return _error(request, exc.status_code, exc.message, [FieldError(exc.message, field)])


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(
        request,
        401,
        "send a valid API token: Authorization: Bearer swt_…",
        [FieldError("is missing, unknown or revoked", "Authorization")],
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _error(
        request,
        429,
        f"this token may make {exc.limit} requests a minute; wait {exc.retry_after} s",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    message = f"the body is larger than {limit:,} bytes: send the rows in smaller batches"
    return _error(request, 413, message, [FieldError(message, "body")])


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, str(exc) or "not found")


@api.exception_handler(FormatRejected)
def on_rejected(request: HttpRequest, exc: FormatRejected) -> HttpResponse:
    return _error(request, 422, exc.detail, exc.errors, exc.more)


# --- Helpers ------------------------------------------------------------------------


def token_of(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def school_of(request: HttpRequest, code: str) -> School:
    return get_school_for_token(token_of(request), code)


def audit(
    request: HttpRequest,
    school: School | None,
    action: str,
    object_type: str,
    detail: str,
    organisation: Organisation | None = None,
) -> None:
    """Record one API read of children's records, in the token's name."""
    token = token_of(request)
    AuditEvent.objects.create(
        user=token.user,
        organisation=school.organisation if school else organisation,
        action=action,
        object_type=object_type,
        object_id=school.code if school else str(getattr(organisation, "pk", "")),
        detail=f"API token {token.prefix}: {detail}"[:300],
        ip_address=request.META.get("REMOTE_ADDR"),
    )


def paged(items: Sequence[Any] | QuerySet[Any], page: int, page_size: int):
    """Return (this page's items, the page fields of the answer)."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * page_size
    chosen = list(items[start : start + page_size])
    return chosen, {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": max(1, math.ceil(count / page_size)),
    }


PageQuery = Query(1, ge=1, le=100_000, description="1 for the first page")
SizeQuery = Query(100, ge=1, le=1000, description="Items per page, at most 1000")
KeyHeader = Header(
    None,
    alias="Idempotency-Key",
    max_length=200,
    description="Any unique text, e.g. a UUID: a repeat of a successful push is answered "
    "from the first, and nothing is imported twice",
)


def idempotent(
    request: HttpRequest,
    school: School,
    key: str | None,
    parts: list[bytes],
    push,
    *,
    keyed_by_body: bool = False,
) -> HttpResponse:
    """Answer a push, once per Idempotency-Key (see stepwise.api.services.push_once).

    With `keyed_by_body`, a request without a key is keyed by its own content: for a
    write that is not harmless to repeat, so a client's retry cannot make a second record.
    """
    token = token_of(request)

    def attempt() -> Answer:
        try:
            return push()
        except FormatRejected as e:
            return Answer(422, error_body(e.detail, e.errors, e.more))

    digest = request_digest([(request.method or "").encode(), request.path.encode(), *parts])
    if not key and keyed_by_body:
        key = f"body:{digest}"
    try:
        answer = push_once(organisation=token.organisation, key=key, digest=digest, push=attempt)
    except KeyReused:
        return _error(
            request,
            409,
            "this Idempotency-Key was used for a different request",
            [FieldError("was used before with another body or address", "Idempotency-Key")],
        )
    response = api.create_response(request, answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def imported(run: Callable[[], Pushed]) -> Callable[[], Answer]:
    return lambda: Answer(200, result_body(run()))


def pushed_rows(
    request: HttpRequest, school: School, key: str | None, kind: str, rows: list[dict[str, Any]]
) -> HttpResponse:
    """Answer a JSON batch of rows, imported as a CSV file of `kind` would be."""
    return idempotent(
        request,
        school,
        key,
        [request.body],
        imported(lambda: push_batch(kind=kind, school=school, token=token_of(request), rows=rows)),
    )


def term_or_current(school: School, key: str | None):
    if key:
        return get_term_of_school(school, key)
    term = current_term(school, timezone.localdate())
    if term is None:
        raise Http404("The school has no terms")
    return term


# --- Schools --------------------------------------------------------------------------


def school_out(school: School) -> dict[str, Any]:
    return {
        "code": school.code,
        "name": school.name,
        "pack": school.pack,
        "terms": [
            {"key": t.key, "name": t.name, "start": t.start, "end": t.end}
            for t in school.terms.all()
        ],
    }


@api.get(
    "/schools", response={200: list[s.SchoolOut], **ERRORS}, url_name="schools", tags=["schools"]
)
def schools(request: HttpRequest):
    """List the schools this token may use (its organisation's), with their terms."""
    token = token_of(request)
    return [school_out(x) for x in School.objects.filter(organisation_id=token.organisation_id)]


@api.get(
    "/schools/{code}", response={200: s.SchoolOut, **ERRORS}, url_name="school", tags=["schools"]
)
def school(request: HttpRequest, code: str):
    """Show one school, its rule pack and terms."""
    return school_out(school_of(request, code))


# --- Pushes ---------------------------------------------------------------------------


@api.post(
    "/schools/{code}/roster",
    response={200: s.PushOut, **PUSH_ERRORS},
    url_name="push_roster",
    tags=["push"],
)
def push_roster(request: HttpRequest, code: str, payload: s.RosterIn, idempotency_key=KeyHeader):
    """Add or update students and their enrolment at the school (the roster CSV's columns)."""
    found = school_of(request, code)
    rows = [
        {**r.model_dump(), "year_level": str(r.year_level), "enrolled_to": r.enrolled_to or ""}
        for r in payload.rows
    ]
    return pushed_rows(request, found, idempotency_key, "roster", rows)


@api.post(
    "/schools/{code}/caregivers",
    response={200: s.PushOut, **PUSH_ERRORS},
    url_name="push_caregivers",
    tags=["push"],
)
def push_caregivers(
    request: HttpRequest, code: str, payload: s.CaregiversIn, idempotency_key=KeyHeader
):
    """Add or update caregivers and their links to enrolled students."""
    found = school_of(request, code)
    rows = [
        {
            **r.model_dump(),
            "lives_with_student": yes_no(r.lives_with_student),
            "parental_responsibility": yes_no(r.parental_responsibility),
        }
        for r in payload.rows
    ]
    return pushed_rows(request, found, idempotency_key, "caregivers", rows)


@api.post(
    "/schools/{code}/marks",
    response={200: s.PushOut, **PUSH_ERRORS},
    url_name="push_marks",
    tags=["push"],
)
def push_marks(request: HttpRequest, code: str, payload: s.MarksIn, idempotency_key=KeyHeader):
    """Merge register marks into the school's register, then re-evaluate the terms changed.

    A mark that differs from the one stored amends it (the old one is kept in the
    amendment log); one that is already there changes nothing.
    """
    found = school_of(request, code)
    rows = [r.model_dump() for r in payload.rows]
    return pushed_rows(request, found, idempotency_key, "register", rows)


@api.post(
    "/schools/{code}/edfi/student-school-attendance-events",
    response={200: s.PushOut, **PUSH_ERRORS},
    url_name="push_edfi",
    tags=["push", "ed-fi"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "maxItems": s.MAX_ROWS // 2,
                        "items": s.EDFI_EVENT_SCHEMA,
                    }
                }
            },
        }
    },
)
def push_edfi_events(request: HttpRequest, code: str, idempotency_key=KeyHeader):
    """Import Ed-Fi StudentSchoolAttendanceEvents as register marks.

    Each event's attendanceEventCategoryDescriptor becomes a code of the school's rule
    pack through the school's mapping table (PUT .../edfi/code-mappings); "Early
    departure", "Partial" and "Present" default to the "In Attendance" code. An event
    is for the whole day unless its eventDuration is under 0.75: then the morning with
    an arrivalTime, the afternoon with a departureTime (or `_ext.stepwise.session`).
    Several events for one session resolve by precedence: Unexcused Absence, Excused
    Absence, Tardy, Early departure, Partial, In Attendance (docs/integration.md).
    """
    found = school_of(request, code)
    body = request.body
    return idempotent(
        request,
        found,
        idempotency_key,
        [body],
        imported(lambda: push_edfi(school=found, token=token_of(request), data=body)),
    )


@api.get(
    "/schools/{code}/edfi/code-mappings",
    response={200: s.MappingsOut, **ERRORS},
    url_name="edfi_mappings",
    tags=["ed-fi"],
)
def edfi_mappings(request: HttpRequest, code: str):
    """Show which rule-pack code each Ed-Fi attendance event category means at the school."""
    found = school_of(request, code)
    return {"mappings": list(found.edfi_mappings.values("descriptor", "code"))}


@api.put(
    "/schools/{code}/edfi/code-mappings",
    response={200: s.MappingsOut, **PUSH_ERRORS},
    url_name="edfi_mappings_replace",
    tags=["ed-fi"],
)
def edfi_mappings_put(request: HttpRequest, code: str, payload: s.MappingsIn):
    """Replace the school's Ed-Fi mapping table, all or nothing."""
    from .services import MappingError, edfi_mappings_set

    found = school_of(request, code)
    try:
        edfi_mappings_set(school=found, mappings=[(m.descriptor, m.code) for m in payload.mappings])
    except MappingError as e:
        raise FormatRejected(
            [FieldError(m, f"mappings[{i}].{f}", i) for i, f, m in e.problems],
            "the mappings were not saved",
        ) from None
    return {"mappings": list(found.edfi_mappings.values("descriptor", "code"))}


@api.post(
    "/schools/{code}/oneroster",
    response={200: s.PushOut, **PUSH_ERRORS},
    url_name="push_oneroster",
    tags=["push", "oneroster"],
)
def push_oneroster_files(
    request: HttpRequest,
    code: str,
    orgs: UploadedFile | None = File(None),
    users: UploadedFile | None = File(None),
    enrollments: UploadedFile | None = File(None),
    demographics: UploadedFile | None = File(None),
    bundle: UploadedFile | None = File(None),
    idempotency_key=KeyHeader,
):
    """Import the school's students from OneRoster 1.2 CSV (multipart form).

    Either `bundle`, the zip with its manifest.csv, or the files one by one: orgs.csv
    names the school (type school, identifier = the school id); users.csv the
    students (identifier = national id, grades = year level); enrollments.csv their
    enrolment dates; demographics.csv, optional, their birth dates (needed for a
    student Stepwise does not know yet). status and dateLastModified are honoured
    for deltas: a student whose enrollments are all tobedeleted has their enrolment
    ended. A part Stepwise does not read is named in the answer's warnings.
    """
    found = school_of(request, code)
    named = (*ONEROSTER_FILES, "demographics.csv", "bundle")
    given = (orgs, users, enrollments, demographics, bundle)
    uploads = {
        name: upload for name, upload in zip(named, given, strict=True) if upload is not None
    }
    # Refused by their size before a byte of them is read.
    cap = settings.UPLOAD_ONEROSTER_MAX_BYTES
    too_large = [
        FieldError(why, name.removesuffix(".csv"))
        for name, upload in uploads.items()
        if (why := too_big(name, upload.size or 0, cap, "a OneRoster file"))
    ]
    if too_large:
        return _error(request, 413, "nothing was imported: a file is too large", too_large)
    files = {name: upload.read() for name, upload in uploads.items()}
    # Form fields Stepwise has no use for are named, not dropped in silence.
    ignored = [
        FieldError("not read: send the bundle or orgs, users, enrollments, demographics", n)
        for n in sorted(request.FILES)
        if n not in {x.removesuffix(".csv") for x in named}
    ]

    def push() -> Pushed:
        parts, warnings = files, ignored
        if "bundle" in files:
            if len(files) > 1:
                raise FormatRejected(
                    [FieldError("send the bundle or the files one by one, not both", "bundle")]
                )
            parts, read = read_bundle(files["bundle"], max_bytes=cap * 4)
            warnings = [*ignored, *read]
        return push_oneroster(school=found, token=token_of(request), files=parts, warnings=warnings)

    return idempotent(
        request,
        found,
        idempotency_key,
        [name.encode() + b"\0" + data for name, data in sorted(files.items())],
        imported(push),
    )


@api.get(
    "/schools/{code}/oneroster/export",
    response={200: None, **ERRORS},
    url_name="oneroster_export",
    tags=["export", "oneroster"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The school's roster as a OneRoster 1.2 CSV bundle",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def oneroster_bundle(request: HttpRequest, code: str):
    """Download the school's roster as a OneRoster 1.2 CSV bundle (zip with manifest.csv).

    orgs, academicSessions (terms and school years), courses and classes (one homeroom),
    users, roles, enrollments and demographics (birth dates). It imports back through
    POST .../oneroster as `bundle`.
    """
    found = school_of(request, code)
    data = oneroster_export(found)
    audit(request, found, "export", "oneroster", "roster as a OneRoster 1.2 bundle")
    return download(data, "application/zip", f"oneroster-{found.code}.zip")


# --- Reads ----------------------------------------------------------------------------


def _standing_rows(found: School, term_key: str, as_of: date | None):
    term = get_term_of_school(found, term_key)
    as_of = as_of or timezone.localdate()
    version = register_version(found)
    rows = sorted(
        (
            flat_standing(found.rules, row)
            for row in term_rows(found, term, as_of=as_of, version=version)
        ),
        key=lambda r: r["student_id"],
    )
    return term, as_of, rows


@api.get(
    "/schools/{code}/terms/{term}/standings",
    response={200: s.StandingsPage, **ERRORS},
    url_name="standings",
    tags=["read"],
)
def standings(
    request: HttpRequest,
    code: str,
    term: str,
    as_of: s.IsoDate | None = Query(None, description="Count up to this day (default today)"),
    tier: str | None = Query(None, max_length=40, description="Only students in this tier"),
    year_level: int | None = Query(None, ge=0, le=15),
    page: int = PageQuery,
    page_size: int = SizeQuery,
):
    """Each student's standing in a term: counts, percentage, tier, thresholds, forecast."""
    found = school_of(request, code)
    the_term, as_of, rows = _standing_rows(found, term, as_of)
    rows = [
        r
        for r in rows
        if (tier is None or r["tier"] == tier)
        and (year_level is None or r["year_level"] == year_level)
    ]
    items, meta = paged(rows, page, page_size)
    audit(request, found, "view", "standings", f"{the_term.key} as of {as_of}, page {page}")
    return {**meta, "term": the_term.key, "as_of": as_of, "items": items}


def file_download(description: str) -> dict[str, Any]:
    """Return the OpenAPI description of a CSV or Parquet download."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.apache.parquet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            }
        }
    }


def file_response(data: bytes, format: str, name: str) -> HttpResponse:
    return download(data, CONTENT_TYPES[format], name)


@api.get(
    "/schools/{code}/terms/{term}/standings/export",
    response={200: None, **ERRORS},
    url_name="standings_export",
    tags=["export"],
    openapi_extra=file_download("The standings as a file"),
)
def standings_export(
    request: HttpRequest,
    code: str,
    term: str,
    format: Literal["csv", "parquet"] = "csv",
    as_of: s.IsoDate | None = None,
):
    """Download every student's standing in a term as CSV or Parquet.

    `justified` and `unjustified` count sessions by their code's class, absent or not
    (New Zealand's D and I are justified and present): see the standings page's items.
    """
    found = school_of(request, code)
    the_term, as_of, rows = _standing_rows(found, term, as_of)
    columns = standing_columns(found.rules)
    data = write_table(
        format, columns, [[r.get(c) for c in columns] for r in rows], standing_types(columns)
    )
    audit(request, found, "export", "standings", f"{the_term.key} as of {as_of} as {format}")
    return file_response(data, format, f"standings-{found.code}-{the_term.key}.{format}")


@api.get(
    "/schools/{code}/ministry-export/{table}",
    response={200: None, **ERRORS},
    url_name="ministry_export_table",
    tags=["export"],
    openapi_extra=file_download("One file of the Ministry export"),
)
def ministry_export_table(
    request: HttpRequest,
    code: str,
    table: Path[Literal["attendance", "responses"]],
    first: s.IsoDate = Query(..., alias="from", description="YYYY-MM-DD"),
    last: s.IsoDate = Query(..., alias="to", description="YYYY-MM-DD"),
    format: Literal["csv", "parquet"] = "csv",
):
    """Download one file of the Ministry export (docs/ministry-export.md) as CSV or Parquet.

    attendance: one row per student per open half-day of the period, through today.
    responses: one row per response activity of the period, never its private notes.
    """
    found = school_of(request, code)
    today = timezone.localdate()
    try:
        start, end = parse_period(first.isoformat(), last.isoformat(), today=today)
    except PeriodError as e:
        raise FormatRejected(
            [FieldError(m, f) for f, m in e.errors.items()], "the period is not valid"
        ) from None
    columns: Sequence[str]
    rows: list[Sequence[Any]]
    if table == "attendance":
        columns, rows = ATTENDANCE_COLUMNS, list(attendance_rows(found, start, end, today=today))
        types = ATTENDANCE_TYPES
    else:
        columns, rows = RESPONSE_COLUMNS, list(response_rows(found, start, end))
        types = RESPONSE_TYPES
    data = write_table(format, columns, rows, types)
    audit(request, found, "export", "ministry_export", f"{table} {start} to {end} as {format}")
    name = export_file_name(found, start, end).removesuffix(".zip") + f"-{table}.{format}"
    return file_response(data, format, name)


@api.get(
    "/schools/{code}/threshold-events",
    response={200: s.ThresholdEventsPage, **ERRORS},
    url_name="threshold_events",
    tags=["read"],
)
def threshold_events(
    request: HttpRequest,
    code: str,
    term: str | None = Query(None, max_length=10, description="A term key, e.g. 2026T4"),
    first: s.IsoDate | None = Query(None, alias="from", description="Reached on or after"),
    last: s.IsoDate | None = Query(None, alias="to", description="Reached on or before"),
    status: Literal["active", "withdrawn"] | None = None,
    threshold: str | None = Query(None, max_length=40),
    page: int = PageQuery,
    page_size: int = SizeQuery,
):
    """The days students reached the pack's thresholds, oldest first, with whether answered."""
    found = school_of(request, code)
    events = ThresholdEvent.objects.filter(term__school=found)
    if term:
        events = events.filter(term=get_term_of_school(found, term))
    if first:
        events = events.filter(reached_on__gte=first)
    if last:
        events = events.filter(reached_on__lte=last)
    if status:
        events = events.filter(status=status)
    if threshold:
        events = events.filter(threshold=threshold)
    events = with_first_answer(events).select_related("student", "term")
    deadlines, today = Deadlines(found), timezone.localdate()
    items, meta = paged(events.order_by("reached_on", "pk"), page, page_size)
    audit(request, found, "view", "threshold_events", request.GET.urlencode())
    return {
        **meta,
        "items": [
            {
                "id": e.pk,
                "student_id": e.student.national_id,
                "term": e.term.key,
                "threshold": e.threshold,
                "reached_on": e.reached_on,
                "status": e.status,
                "detected_at": e.detected_at,
                "answered": e.first_answer is not None,  # type: ignore[attr-defined]
                "due_by": deadlines.due_on(e.reached_on),
                "timeliness": deadlines.timeliness(e.reached_on, e.first_answer, today),  # type: ignore[attr-defined]
            }
            for e in items
        ],
    }


@api.get(
    "/schools/{code}/early-warning",
    response={200: s.EarlyWarningPage, **ERRORS},
    url_name="early_warning",
    tags=["read"],
)
def early_warning_list(
    request: HttpRequest,
    code: str,
    term: str | None = Query(None, max_length=10, description="Default: the current term"),
    as_of: s.IsoDate | None = None,
    page: int = PageQuery,
    page_size: int = SizeQuery,
):
    """Students forecast to reach their next threshold within the pack's horizon."""
    found = school_of(request, code)
    the_term = term_or_current(found, term)
    as_of = as_of or timezone.localdate()
    items, meta = paged(early_warning(found, the_term, as_of=as_of), page, page_size)
    audit(request, found, "view", "early_warning", f"{the_term.key} as of {as_of}")
    return {
        **meta,
        "term": the_term.key,
        "as_of": as_of,
        "items": [
            {
                "student_id": w.student.national_id,
                "given_name": w.student.given_name,
                "family_name": w.student.family_name,
                "year_level": w.student.year_level,
                "threshold": w.threshold.key,
                "forecast_on": w.forecast_on,
                "days_absent": w.days_absent,
                "attendance_percent": w.attendance_percent,
            }
            for w in items
        ],
    }


def response_out(a: ResponseActivity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "student_id": a.student.national_id,
        "response_type": a.response_type,
        "description": a.description_text,
        "happened_on": a.happened_on,
        "done_by": a.done_by,
        "threshold_event_id": a.threshold_event_id,
        "recorded_at": a.recorded_at,
    }


@api.get(
    "/schools/{code}/responses",
    response={200: s.ResponsesPage, **ERRORS},
    url_name="responses",
    tags=["responses"],
)
def responses(
    request: HttpRequest,
    code: str,
    term: str | None = Query(None, max_length=10, description="Responses of this term"),
    first: s.IsoDate | None = Query(None, alias="from", description="Happened on or after"),
    last: s.IsoDate | None = Query(None, alias="to", description="Happened on or before"),
    student_id: str | None = Query(None, max_length=40),
    page: int = PageQuery,
    page_size: int = SizeQuery,
):
    """The response activities the school recorded, latest first (never their notes)."""
    found = school_of(request, code)
    found_responses = ResponseActivity.objects.effective().filter(school=found)
    if term:
        t = get_term_of_school(found, term)
        found_responses = found_responses.filter(threshold_event__term=t) | found_responses.filter(
            threshold_event__isnull=True, happened_on__range=(t.start, t.end)
        )
    if first:
        found_responses = found_responses.filter(happened_on__gte=first)
    if last:
        found_responses = found_responses.filter(happened_on__lte=last)
    if student_id:
        found_responses = found_responses.filter(student__national_id=student_id)
    found_responses = found_responses.select_related("student").order_by(
        "-happened_on", "-recorded_at", "-pk"
    )
    items, meta = paged(found_responses, page, page_size)
    audit(request, found, "view", "responses", request.GET.urlencode())
    return {**meta, "items": [response_out(a) for a in items]}


RESPONSE_FIELDS = {
    "response_type": "response_type",
    "description": "description_id",
    "happened_on": "happened_on",
    "done_by": "done_by",
    "notes": "notes",
    "event": "threshold_event_id",
    None: "student_id",
}


@api.post(
    "/schools/{code}/responses",
    response={201: s.ResponseOut, **PUSH_ERRORS},
    url_name="response_add",
    tags=["responses"],
)
def response_add(request: HttpRequest, code: str, payload: s.ResponseIn, idempotency_key=KeyHeader):
    """Record something the school did about a student's absence, perhaps at a threshold.

    Recorded once: a repeat with the same Idempotency-Key, or without a key the same
    body, gets the first answer again (Idempotent-Replayed: true). To record two
    identical activities, send each with its own key.
    """
    found = school_of(request, code)
    token = token_of(request)

    def record() -> Answer:
        student = get_student_of_school(found, payload.student_id)
        if student is None:
            raise FormatRejected(
                [FieldError(f"{payload.student_id!r} is not on the school's roster", "student_id")],
                "the response was not recorded",
            )
        description = None
        if payload.description_id is not None:
            description = Description.objects.filter(
                pk=payload.description_id, school=found
            ).first()
            if description is None:
                raise FormatRejected(
                    [FieldError("is not one of the school's Descriptions", "description_id")],
                    "the response was not recorded",
                )
        event = None
        if payload.threshold_event_id is not None:
            event = ThresholdEvent.objects.filter(
                pk=payload.threshold_event_id, term__school=found
            ).first()
            if event is None:
                raise FormatRejected(
                    [
                        FieldError(
                            "is not one of the school's threshold events", "threshold_event_id"
                        )
                    ],
                    "the response was not recorded",
                )
        try:
            activity = response_record(
                school=found,
                student=student,
                response_type=payload.response_type,
                happened_on=payload.happened_on,
                done_by=payload.done_by,
                recorded_by=token.user,
                description=description,
                notes=payload.notes,
                threshold_event=event,
            )
        except ResponseError as e:
            message = str(e)
            if e.field == "response_type":  # the form's "Select the response type"
                valid = ", ".join(t.key for t in found.rules.response_types)
                message = (
                    f"{payload.response_type!r} is not a response type of the "
                    f"{found.rules.name} rule pack: use one of {valid}"
                )
            raise FormatRejected(
                [FieldError(message, RESPONSE_FIELDS.get(e.field, e.field or ""))],
                "the response was not recorded",
            ) from None
        return Answer(201, response_out(activity))

    return idempotent(request, found, idempotency_key, [request.body], record, keyed_by_body=True)


# --- Cases (an attendance service's token) --------------------------------------------


@api.get(
    "/services/{service_id}/cases",
    response={200: s.CasesPage, **ERRORS},
    url_name="service_cases",
    tags=["cases"],
)
def service_cases(
    request: HttpRequest,
    service_id: int,
    status: s.CaseStatus | None = Query(None, description="open, active, on_hold or closed"),
    first: s.IsoDate | None = Query(None, alias="from", description="Opened on or after"),
    last: s.IsoDate | None = Query(None, alias="to", description="Opened on or before"),
    student_id: str | None = Query(None, max_length=40),
    page: int = PageQuery,
    page_size: int = SizeQuery,
):
    """The cases an attendance service holds, newest first: read-only, and never their notes.

    For a token of the service itself; any other token gets 404.
    """
    service = get_service_for_token(token_of(request), service_id)
    cases = Case.objects.filter(service=service)
    if status:
        cases = cases.filter(status=status)
    if first:
        cases = cases.filter(opened_on__gte=first)
    if last:
        cases = cases.filter(opened_on__lte=last)
    if student_id:
        cases = cases.filter(student__national_id=student_id)
    cases = (
        cases.select_related("student").prefetch_related("schools").order_by("-opened_on", "-pk")
    )
    items, meta = paged(cases, page, page_size)
    audit(request, None, "view", "cases", request.GET.urlencode(), organisation=service)
    return {
        **meta,
        "items": [
            {
                "reference": c.reference,
                "reason": c.reason,
                "status": c.status,
                "closed_reason": c.closed_reason,
                "origin": c.origin,
                "student_id": c.student.national_id if c.student else None,
                "schools": [x.name for x in c.schools.all()],
                "exploring_pathway": c.exploring_pathway,
                "opened_on": c.opened_on,
                "closed_on": c.closed_on,
                "last_contact_at": c.last_contact_at,
            }
            for c in items
        ],
    }


# KAMAR's push and Ed-Fi's resource paths, in their own module: imported last, as they
# register on `api` and use the helpers above.
from . import edfi_resources, standards  # noqa: E402, F401
