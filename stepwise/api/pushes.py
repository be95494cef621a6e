"""Pushes through the API: batches of rows, Ed-Fi events and OneRoster files.

Every push becomes a file for the CSV importers (stepwise/register/importers), so it
is checked by the same rules, written all or nothing, and harmless to repeat. A
problem the importer finds on a line is reported against the item it came from.
"""

import re
from dataclasses import dataclass

from django.utils import timezone

from stepwise.api.formats import (
    ATTENDED,
    EDFI_COLUMNS,
    EdFiEvent,
    FieldError,
    FormatRejected,
    Origin,
    csv_bytes,
    descriptor_code_value,
    parse_edfi_events,
    parse_oneroster,
    precedence,
)
from stepwise.api.models import ApiToken
from stepwise.intake.services import caregivers_take, register_take, roster_take
from stepwise.register.csvfile import ImportRejected, Problem, parse_date
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


LINE = re.compile(r"on line (\d+)")


def _origin_of(origins: list[Origin], line: int) -> str:
    index = line - 2
    return origins[index].prefix if 0 <= index < len(origins) else f"line {line}"


def at_origins(problems: list[Problem], origins: list[Origin]) -> list[FieldError]:
    """Return the importer's problems, each named at the item its line came from."""
    found: list[FieldError] = []
    for problem in problems:
        index = problem.line - 2  # the header is line 1
        if 0 <= index < len(origins):
            # The client never saw the generated file: "on line 5" becomes "in rows[3]".
            message = LINE.sub(lambda m: f"in {_origin_of(origins, int(m[1]))}", problem.message)
            error = origins[index].error(problem.column, message)
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


def _edfi_code(mapping: dict[str, str], descriptor: str) -> str | None:
    """Return the code the school maps a descriptor to, or the default for its category.

    A descriptor is found as sent, or by its code value (the part after the #).
    """
    value = descriptor_code_value(descriptor).lower()
    # The whole URI if mapped; else its code value, however the mapping spelled it.
    by_value = {descriptor_code_value(d).lower(): c for d, c in mapping.items()}
    code = mapping.get(descriptor) or by_value.get(value)
    if code is None and value in ATTENDED:
        code = by_value.get("in attendance")
    return code


def _edfi_term(school: School, event: EdFiEvent) -> tuple[str, str] | None:
    """Check an event's sessionReference names a term of the school holding its date.

    Returns (field, message) for what is wrong, or None. The session is named by the
    term's name ("Term 4 2026") or key ("2026T4"); schoolYear is Ed-Fi's: the calendar
    year in which the school year ends.
    """
    terms = list(school.terms.all())
    ends: dict[int, int] = {}
    for t in terms:
        ends[t.year] = max(ends.get(t.year, t.end.year), t.end.year)
    name = event.session_name.lower()
    named = [
        t
        for t in terms
        if ends[t.year] == event.school_year and name in (t.name.lower(), t.key.lower())
    ]
    if not named:
        same_year = [t for t in terms if ends[t.year] == event.school_year] or terms
        known = ", ".join(f"{t.name!r} or {t.key!r} ({ends[t.year]})" for t in same_year)
        return (
            "sessionReference.sessionName",
            f"{event.session_name!r} in school year {event.school_year} is not a term of "
            f"{school.code}; its terms are {known}",
        )
    term = named[0]
    day = parse_date(event.event_date)
    if day is not None and not term.contains(day):
        return (
            "sessionReference.sessionName",
            f"{event.event_date} is not in {term.name} {ends[term.year]} "
            f"({term.start} to {term.end})",
        )
    return None


def push_edfi(*, school: School, token: ApiToken, data: bytes) -> Pushed:
    """Import Ed-Fi StudentSchoolAttendanceEvents through the school's code mapping table.

    Several events for one student's session resolve by `formats.precedence`.
    """
    number = int(school.school_number) if school.school_number.isdigit() else None
    events = parse_edfi_events(data, school_number=number)
    mapping = dict(school.edfi_mappings.values_list("descriptor", "code"))
    errors: list[FieldError] = []
    # (student, date, session) -> the events that give it, with their codes
    given: dict[tuple[str, str, str], list[tuple[EdFiEvent, str]]] = {}
    for event in events:
        where = f"[{event.index}]"
        if event.school_id != number:
            errors.append(
                FieldError(
                    f"{event.school_id!r} is not this school's number"
                    + (f" ({number})" if number else ": ask for the school's number to be set"),
                    f"{where}.schoolReference.schoolId",
                    event.index,
                )
            )
            continue
        wrong = _edfi_term(school, event)
        if wrong:
            errors.append(FieldError(wrong[1], f"{where}.{wrong[0]}", event.index))
        code = _edfi_code(mapping, event.descriptor)
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
            given.setdefault((event.student_id, event.event_date, session), []).append(
                (event, code)
            )
    rows, origins = [], []
    for (student, day, session), found in given.items():
        best = min(precedence(e.descriptor) for e, _ in found)
        winners = [(e, c) for e, c in found if precedence(e.descriptor) == best]
        if len({c for _, c in winners}) > 1:
            first, *others = winners
            errors += [
                FieldError(
                    f"{student}'s {session} session on {day} is {c} here but {first[1]} in "
                    f"[{first[0].index}]: send one of them, or map one category to a code "
                    "Ed-Fi's default categories rank",
                    f"[{e.index}].attendanceEventCategoryDescriptor",
                    e.index,
                )
                for e, c in others
                if c != first[1]
            ]
            continue
        event, code = winners[0]
        rows.append([school.code, student, day, session, code])
        origins.append(Origin(event.index, f"[{event.index}]", EDFI_COLUMNS))
    if errors:
        raise FormatRejected(errors, f"nothing was imported: {len(errors)} problems")
    return import_rows(kind="register", school=school, token=token, rows=rows, origins=origins)


def push_oneroster(
    *, school: School, token: ApiToken, files: dict[str, bytes], warnings: list[FieldError]
) -> Pushed:
    """Import the school's students from OneRoster 1.2 CSV files as a roster.

    A student without a birth date keeps the one the school's own record holds.
    `warnings` (parts not read, say) are given back with the import's own.
    """
    students, found = parse_oneroster(
        files,
        school_ids={school.code, school.school_number} - {""},
        today=timezone.localdate().isoformat(),
    )
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
    pushed = import_rows(kind="roster", school=school, token=token, rows=rows, origins=origins)
    return Pushed(pushed.result, [*warnings, *found, *pushed.warnings])
