"""Pushes through the API: batches of rows, Ed-Fi events and OneRoster files.

Every push becomes a file for the CSV importers (stepwise/register/importers), so it
is checked by the same rules, written all or nothing, and harmless to repeat. A
problem the importer finds on a line is reported against the item it came from.
"""

from dataclasses import dataclass

from django.utils import timezone

from stepwise.api.formats import (
    EDFI_COLUMNS,
    FieldError,
    FormatRejected,
    Origin,
    csv_bytes,
    descriptor_code_value,
    parse_edfi_events,
    parse_oneroster,
)
from stepwise.api.models import ApiToken
from stepwise.intake.services import caregivers_take, register_take, roster_take
from stepwise.register.csvfile import ImportRejected, Problem
from stepwise.register.importers import ImportResult
from stepwise.register.importers.caregivers import HEADER as CAREGIVER_HEADER
from stepwise.register.importers.register import HEADER as REGISTER_HEADER
from stepwise.register.importers.roster import HEADER as ROSTER_HEADER
from stepwise.schools.models import School, Student

KINDS = {
    "roster": (ROSTER_HEADER, roster_take),
    "caregivers": (CAREGIVER_HEADER, caregivers_take),
    "register": (REGISTER_HEADER, register_take),
}


def _file_name(kind: str, token: ApiToken, school: School) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    return f"api-{kind}-{school.code}-{token.prefix}-{stamp}.csv"


@dataclass(frozen=True)
class Pushed:
    """The import a push made, and its warnings, each at the item its row came from."""

    result: ImportResult
    warnings: list[FieldError]


def result_body(pushed: Pushed) -> dict[str, object]:
    result = pushed.result
    body: dict[str, object] = {
        "import_run": result.run.pk,
        "outcome": result.run.outcome,
        "rows": result.rows,
        "changed": result.changed,
        "detail": result.detail,
        "warnings": [w.as_dict() for w in pushed.warnings],
    }
    if result.evaluation is not None:
        body["evaluation"] = {
            "school_terms": len(result.affected),
            "students": result.evaluation.students,
            "threshold_events_reached": result.evaluation.created,
            "threshold_events_moved": result.evaluation.moved,
            "threshold_events_withdrawn": result.evaluation.withdrawn,
        }
    return body


def at_origins(problems: list[Problem], origins: list[Origin]) -> list[FieldError]:
    """Return the importer's problems, each named at the item its line came from."""
    found: list[FieldError] = []
    for problem in problems:
        index = problem.line - 2  # the header is line 1
        if 0 <= index < len(origins):
            error = origins[index].error(problem.column, problem.message)
        else:
            error = FieldError(problem.message)
        if error not in found:  # an Ed-Fi event for a whole day is two rows
            found.append(error)
    return found


def import_rows(
    *, kind: str, school: School, token: ApiToken, rows: list[list[str]], origins: list[Origin]
) -> Pushed:
    """Import generated CSV rows; raise FormatRejected naming each problem's origin."""
    header, importer = KINDS[kind]
    data = csv_bytes(header, rows)
    name = _file_name(kind, token, school)
    try:
        result = importer(data, file_name=name, user=token.user)
    except ImportRejected as rejected:
        errors = at_origins(rejected.problems, origins)
        raise FormatRejected(errors, f"nothing was imported: {len(errors)} problems") from None
    return Pushed(result, at_origins(result.warnings, origins))


def push_batch(*, kind: str, school: School, token: ApiToken, rows: list[dict[str, str]]) -> Pushed:
    """Import a JSON batch of rows whose fields are the CSV file's columns but school_id."""
    header, _ = KINDS[kind]
    table = [[school.code, *(row.get(c, "") for c in header[1:])] for row in rows]
    origins = [Origin(i, f"rows[{i}]") for i in range(len(rows))]
    return import_rows(kind=kind, school=school, token=token, rows=table, origins=origins)


def push_edfi(*, school: School, token: ApiToken, data: bytes) -> Pushed:
    """Import Ed-Fi StudentSchoolAttendanceEvents through the school's code mapping table."""
    events = parse_edfi_events(data)
    mapping = dict(school.edfi_mappings.values_list("descriptor", "code"))
    ours = {school.code, school.school_number} - {""}
    errors, rows, origins = [], [], []
    for event in events:
        where = f"[{event.index}]"
        if event.school_id not in ours:
            errors.append(
                FieldError(
                    f"{event.school_id!r} is not this school ({' or '.join(sorted(ours))})",
                    f"{where}.schoolReference.schoolId",
                    event.index,
                )
            )
        code = mapping.get(event.descriptor) or mapping.get(descriptor_code_value(event.descriptor))
        if code is None:
            errors.append(
                FieldError(
                    f"no code is mapped to {event.descriptor!r}: add it to the school's Ed-Fi "
                    f"code mappings (PUT /api/v1/schools/{school.code}/edfi/code-mappings)",
                    f"{where}.attendanceEventCategoryDescriptor",
                    event.index,
                )
            )
            continue
        for session in event.sessions:
            rows.append([school.code, event.student_id, event.event_date, session, code])
            origins.append(Origin(event.index, where, EDFI_COLUMNS))
    if errors:
        raise FormatRejected(errors, f"nothing was imported: {len(errors)} problems")
    return import_rows(kind="register", school=school, token=token, rows=rows, origins=origins)


def push_oneroster(*, school: School, token: ApiToken, files: dict[str, bytes]) -> Pushed:
    """Import the school's students from OneRoster 1.2 CSV files as a roster.

    A student without a birth date keeps the one the school's own record holds.
    """
    students = parse_oneroster(files, school_ids={school.code, school.school_number} - {""})
    known = dict(
        Student.objects.filter(
            school=school, national_id__in=[s.national_id for s in students]
        ).values_list("national_id", "birth_date")
    )
    errors = []
    for s in students:
        if not s.birth_date:
            if s.national_id in known:
                s.birth_date = known[s.national_id].isoformat()
            else:
                errors.append(
                    s.origin.error(
                        "birth_date",
                        "is unknown: a new student needs a birthDate in demographics.csv",
                    )
                )
    if errors:
        raise FormatRejected(errors, f"nothing was imported: {len(errors)} problems")
    rows = [
        [
            school.code,
            s.national_id,
            s.given_name,
            s.family_name,
            s.birth_date,
            s.year_level,
            s.enrolled_from,
            s.enrolled_to,
        ]
        for s in students
    ]
    origins = [s.origin for s in students]
    return import_rows(kind="roster", school=school, token=token, rows=rows, origins=origins)
