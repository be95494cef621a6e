"""The shapes the API takes and gives, as its OpenAPI document shows them."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, WithJsonSchema

from stepwise.rules.pack import available_packs, load_pack

MAX_ROWS = 20_000  # per push; a school's day is a few thousand marks, a large one's 5,000
TEXT = 300  # the longest text a CSV field of the importers may hold
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    # Pydantic alone reads a number as seconds since 1970: as_of=0 would be 1970-01-01.
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# A date in a pushed row: checked by the importer, which names the row in its message,
# and shown in the document as a date.
DATE_TEXT: dict[str, Any] = {"format": "date", "examples": ["2026-11-20"]}
# Every pack's attendance codes; which of them a school may use is its pack's choice.
CODES = tuple(sorted({c.code for p in available_packs() for c in load_pack(p).codes}))
CODE_ENUM: dict[str, Any] = {"enum": list(CODES)}
# Every pack's response types; which of them a school may use is its pack's choice.
RESPONSE_TYPES = tuple(
    sorted({t.key for p in available_packs() for t in load_pack(p).response_types})
)


def _response_type(value: str) -> str:
    if value not in RESPONSE_TYPES:
        raise ValueError(f"must be one of {', '.join(RESPONSE_TYPES)}")
    return value


ResponseType = Annotated[
    str,
    AfterValidator(_response_type),
    WithJsonSchema({"type": "string", "enum": list(RESPONSE_TYPES)}),
]
CaseStatus = Literal["open", "active", "on_hold", "closed"]


class FieldErrorOut(Schema):
    field: str = Field(description="Where: a JSON path such as rows[3].date, or a file line")
    row: int | None = Field(description="The 0-based index of the item in the batch, if any")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


class TermOut(Schema):
    key: str = Field(examples=["2026T4"])
    name: str
    start: date
    end: date


class SchoolOut(Schema):
    code: str
    name: str
    pack: str
    terms: list[TermOut]


# Batches are plain pydantic models, not ninja Schemas: a Schema runs a validator per
# row that is meant for reading Django objects, and a batch has up to 20,000 rows.
class MarkIn(BaseModel):
    student_id: str = Field(min_length=1, max_length=40)
    date: str = Field(max_length=10, description="YYYY-MM-DD", json_schema_extra=DATE_TEXT)
    session: Literal["AM", "PM"] = Field(description="AM or PM", examples=["AM"])
    code: str = Field(
        max_length=4,
        description="A code of the school's rule pack",
        json_schema_extra=CODE_ENUM,
    )


class MarksIn(BaseModel):
    rows: list[MarkIn] = Field(min_length=1, max_length=MAX_ROWS)


class RosterRowIn(BaseModel):
    student_id: str = Field(min_length=1, max_length=40)
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    birth_date: str = Field(max_length=10, description="YYYY-MM-DD", json_schema_extra=DATE_TEXT)
    year_level: int | str = Field(description="0 to 15")
    enrolled_from: str = Field(max_length=10, description="YYYY-MM-DD", json_schema_extra=DATE_TEXT)
    enrolled_to: str | None = Field(
        None, max_length=10, description="YYYY-MM-DD, or null", json_schema_extra=DATE_TEXT
    )


class RosterIn(BaseModel):
    rows: list[RosterRowIn] = Field(min_length=1, max_length=MAX_ROWS)


class CaregiverRowIn(BaseModel):
    student_id: str = Field(min_length=1, max_length=40)
    caregiver_id: str = Field(min_length=1, max_length=60)
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    relationship: str = Field(min_length=1, max_length=60)
    lives_with_student: bool | str
    parental_responsibility: bool | str
    email: str = Field("", max_length=TEXT)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=TEXT)
    preferred_language: str = Field("", max_length=20)


class CaregiversIn(BaseModel):
    rows: list[CaregiverRowIn] = Field(min_length=1, max_length=MAX_ROWS)


class EvaluationOut(Schema):
    school_terms: int
    students: int
    threshold_events_reached: int
    threshold_events_moved: int
    threshold_events_withdrawn: int


class PushOut(Schema):
    import_run: int
    outcome: str = Field(description="imported, or unchanged when nothing was new")
    rows: int
    changed: int
    detail: dict[str, int]
    warnings: list[FieldErrorOut] = Field(
        [],
        description="Rows imported as sent that deserve a second look, e.g. a child another "
        "school holds under a different name or birth date (this school's record is its own)",
    )
    evaluation: EvaluationOut | None = None


# The request body of the Ed-Fi push, as the OpenAPI document shows it (the endpoint reads
# the raw JSON itself, with stepwise.api.formats.parse_edfi_events).
EDFI_EVENT_SCHEMA = {
    "type": "object",
    "title": "StudentSchoolAttendanceEvent",
    "description": "An Ed-Fi StudentSchoolAttendanceEvent (the fields Stepwise reads)",
    "required": [
        "schoolReference",
        "sessionReference",
        "studentReference",
        "eventDate",
        "attendanceEventCategoryDescriptor",
    ],
    "properties": {
        "schoolReference": {
            "type": "object",
            "required": ["schoolId"],
            "properties": {"schoolId": {"type": "integer", "description": "The school's number"}},
        },
        "sessionReference": {
            "type": "object",
            "required": ["schoolId", "schoolYear", "sessionName"],
            "properties": {
                "schoolId": {"type": "integer"},
                "schoolYear": {
                    "type": "integer",
                    "description": "The calendar year in which the school year ends",
                },
                "sessionName": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 60,
                    "description": "The term: its name (Term 4 2026) or key (2026T4)",
                },
            },
        },
        "studentReference": {
            "type": "object",
            "required": ["studentUniqueId"],
            "properties": {"studentUniqueId": {"type": "string", "minLength": 1, "maxLength": 40}},
        },
        "eventDate": {"type": "string", "format": "date", "example": "2026-11-20"},
        "attendanceEventCategoryDescriptor": {
            "type": "string",
            "minLength": 1,
            "maxLength": 300,
            "example": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence",
        },
        "eventDuration": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "Days: under 0.75 is one session (the morning with an "
            "arrivalTime, the afternoon with a departureTime)",
        },
        "arrivalTime": {"type": "string", "example": "12:40:00"},
        "departureTime": {"type": "string", "example": "12:30:00"},
        "_ext": {
            "type": "object",
            "properties": {
                "stepwise": {
                    "type": "object",
                    "properties": {"session": {"type": "string", "enum": ["AM", "PM"]}},
                }
            },
        },
    },
}


class MappingIn(Schema):
    descriptor: str = Field(min_length=1, max_length=300, examples=["Unexcused Absence"])
    code: str = Field(
        max_length=4,
        examples=["T"],
        description="A code of the school's rule pack",
        json_schema_extra=CODE_ENUM,
    )


class MappingsIn(Schema):
    mappings: list[MappingIn] = Field(max_length=200)


class MappingsOut(Schema):
    mappings: list[MappingIn]


class PageOut(Schema):
    count: int = Field(description="Items in all pages")
    page: int
    page_size: int
    pages: int


class StandingsPage(PageOut):
    term: str
    as_of: date
    items: list[dict[str, Any]] = Field(
        description="One row per student: the columns of `stepwise standings`. `justified` and "
        "`unjustified` count sessions by their code's class (justified or authorised, "
        "unjustified or unauthorised, in the school's pack's words), absent or not: a pack may "
        "count some justified codes as present, so `justified` + `unjustified` may exceed "
        "`absent`"
    )


class ThresholdEventOut(Schema):
    id: int
    student_id: str
    term: str
    threshold: str
    reached_on: date
    status: str
    detected_at: datetime
    answered: bool
    due_by: date = Field(
        description="The last day a response is in time: the pack's hours (48) from the end "
        "of the day the threshold was reached"
    )
    timeliness: Literal["on_time", "late", "due", "overdue"] = Field(
        description="on_time or late: answered by or after `due_by` (by when its first "
        "standing response was recorded); due or overdue: not answered yet"
    )


class ThresholdEventsPage(PageOut):
    items: list[ThresholdEventOut]


class EarlyWarningOut(Schema):
    student_id: str
    given_name: str
    family_name: str
    year_level: int
    threshold: str
    forecast_on: date
    days_absent: float
    attendance_percent: float | None


class EarlyWarningPage(PageOut):
    term: str
    as_of: date
    items: list[EarlyWarningOut]


class ResponseIn(Schema):
    student_id: str = Field(min_length=1, max_length=40)
    response_type: ResponseType = Field(
        examples=["conversation"], description="One of the school's rule pack's response types"
    )
    happened_on: IsoDate
    done_by: str = Field(min_length=1, max_length=200)
    description_id: int | None = Field(None, description="One of the school's Descriptions")
    threshold_event_id: int | None = None
    notes: str = Field(
        "", max_length=5000, description="Private to the school: stored, never read back out"
    )


class ResponseOut(Schema):
    """A recorded response activity. Its private notes are never given out."""

    id: int
    student_id: str
    response_type: str
    description: str
    happened_on: date
    done_by: str
    threshold_event_id: int | None
    recorded_at: datetime


class ResponsesPage(PageOut):
    items: list[ResponseOut]


class CaseOut(Schema):
    """A case the service holds: where it stands, never its notes, log or people."""

    reference: str
    reason: str
    status: str
    closed_reason: str
    origin: str
    student_id: str | None = Field(description="The child's national id, if on a Stepwise roll")
    schools: list[str]
    exploring_pathway: bool
    opened_on: date
    closed_on: date | None
    last_contact_at: datetime | None


class CasesPage(PageOut):
    items: list[CaseOut]
