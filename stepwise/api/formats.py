"""Read the standard formats the API takes in: Ed-Fi attendance events and OneRoster 1.2 CSV.

Both are only translated here, into rows of Stepwise's own CSV import (roster and
register), which then check and write them all or nothing as for any CSV file. So
the rules live in one place (stepwise/register/importers) and a problem they find is
reported against the place in the original input it came from (`Origin`).

These functions take bytes and never raise anything but FormatRejected, whatever
the bytes (tests/api/test_parsers_fuzz.py feeds them arbitrary ones).
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from stepwise.register.csvfile import parse_date
from stepwise.rules.days import next_weekday

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with a request: where (`field`, and `row` for a batch) and what."""

    message: str
    field: str = ""
    row: int | None = None  # 0-based index into the batch, when the error is in one item

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "row": self.row, "message": self.message}


class FormatRejected(Exception):
    """The input was refused as a whole; nothing from it was written."""

    def __init__(self, errors: list[FieldError], detail: str = "the request was not accepted"):
        super().__init__(detail)
        self.errors = errors[:MAX_PROBLEMS]
        self.more = max(0, len(errors) - MAX_PROBLEMS)
        self.detail = detail


@dataclass(frozen=True)
class Origin:
    """Where a generated CSV row came from, and what each CSV column is called there."""

    row: int | None  # the index in a JSON batch, if it came from one
    prefix: str  # "rows[3]" or "[3]" in JSON; "users.csv line 7" in a file
    columns: dict[str, str] = field(default_factory=dict)  # CSV column -> original field

    def error(self, column: str, message: str) -> FieldError:
        name = self.columns.get(column, column)
        if not name:
            return FieldError(message, self.prefix, self.row)
        if self.row is None:  # a line of a file
            return FieldError(message, f"{self.prefix}, column {name}", None)
        return FieldError(message, f"{self.prefix}.{name}" if self.prefix else name, self.row)


def csv_bytes(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


# --- Ed-Fi StudentSchoolAttendanceEvent -----------------------------------------------

EDFI_SESSION_PATH = "_ext.stepwise.session"
SESSIONS = ("AM", "PM")
# Ed-Fi's eventDuration is in days (1 a whole day, 0.5 half of one). From this much up an
# event is the whole day; below it, one session (which one: see _sessions).
WHOLE_DAY_FROM = 0.75


@dataclass(frozen=True)
class EdFiEvent:
    index: int
    student_id: str
    school_id: int
    event_date: str
    descriptor: str
    sessions: tuple[str, ...]  # both for a whole day; one for a part of a day
    session_name: str  # sessionReference: the term the event belongs to
    school_year: int


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    return None


def _at(item: dict, path: tuple[str, ...]) -> object:
    value: object = item
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _sessions(item: dict, i: int, errors: list[FieldError]) -> tuple[str, ...]:
    """Return the sessions an event covers, by the rule docs/integration.md gives.

    1. `_ext.stepwise.session` ("AM" or "PM") names the session outright.
    2. No eventDuration, or one of at least WHOLE_DAY_FROM days: the whole day.
    3. A shorter event is one session: the morning if it has an arrivalTime (the
       student came late), the afternoon if a departureTime (the student left early).
       With both or neither it cannot be placed, and is refused.
    """
    ext = _at(item, ("_ext", "stepwise", "session"))
    if ext is not None:
        if ext in SESSIONS:
            return (str(ext),)
        errors.append(FieldError(f"{ext!r} must be AM or PM", f"[{i}].{EDFI_SESSION_PATH}", i))
        return SESSIONS
    duration = item.get("eventDuration")
    if duration is None:
        return SESSIONS
    number = isinstance(duration, int | float) and not isinstance(duration, bool)
    if not number or not 0 <= duration <= 1:
        errors.append(FieldError("must be a number of days from 0 to 1", f"[{i}].eventDuration", i))
        return SESSIONS
    if duration >= WHOLE_DAY_FROM:
        return SESSIONS
    arrived, left = item.get("arrivalTime"), item.get("departureTime")
    if arrived and not left:
        return ("AM",)
    if left and not arrived:
        return ("PM",)
    errors.append(
        FieldError(
            f"an event of {duration} days is one session: say which with arrivalTime (the "
            f"morning), departureTime (the afternoon) or {EDFI_SESSION_PATH}",
            f"[{i}].eventDuration",
            i,
        )
    )
    return SESSIONS


def parse_edfi_events(data: bytes, *, school_number: int | None = None) -> list[EdFiEvent]:
    """Return the StudentSchoolAttendanceEvents in a JSON body (one object or an array).

    Each event needs studentReference.studentUniqueId, schoolReference.schoolId (an
    integer), sessionReference (schoolId, schoolYear, sessionName), eventDate and
    attendanceEventCategoryDescriptor. Which sessions it covers: `_sessions`.
    """
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FormatRejected([FieldError("the body is not UTF-8 text")]) from None
    except (ValueError, RecursionError) as e:
        raise FormatRejected([FieldError(f"the body is not JSON ({e})")]) from None
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        raise FormatRejected([FieldError("send an array of StudentSchoolAttendanceEvent objects")])
    if not body:
        raise FormatRejected([FieldError("the array has no events")])
    errors: list[FieldError] = []
    events = []
    for i, item in enumerate(body):
        if not isinstance(item, dict):
            errors.append(FieldError("must be a StudentSchoolAttendanceEvent object", f"[{i}]", i))
            continue
        found: dict[str, str] = {}
        for name, path in (
            ("student", ("studentReference", "studentUniqueId")),
            ("date", ("eventDate",)),
            ("descriptor", ("attendanceEventCategoryDescriptor",)),
        ):
            text = _text(_at(item, path))
            if not text:
                errors.append(FieldError("is missing or empty", f"[{i}].{'.'.join(path)}", i))
            else:
                found[name] = text
        school_id = _at(item, ("schoolReference", "schoolId"))
        if school_id is None:
            errors.append(FieldError("is missing", f"[{i}].schoolReference.schoolId", i))
        elif isinstance(school_id, bool) or not isinstance(school_id, int):
            errors.append(
                FieldError(
                    f"{school_id!r} must be an integer: the school's number"
                    + (f" ({school_number})" if school_number else ""),
                    f"[{i}].schoolReference.schoolId",
                    i,
                )
            )
        session = item.get("sessionReference")
        session_name, school_year = "", 0
        if not isinstance(session, dict):
            errors.append(
                FieldError(
                    "is missing: give the term as {schoolId, schoolYear, sessionName}",
                    f"[{i}].sessionReference",
                    i,
                )
            )
        else:
            session_name = _text(session.get("sessionName")) or ""
            year = session.get("schoolYear")
            if not session_name:
                errors.append(
                    FieldError("is missing or empty", f"[{i}].sessionReference.sessionName", i)
                )
            if isinstance(year, bool) or not isinstance(year, int):
                errors.append(
                    FieldError(
                        "must be an integer: the year the school year ends",
                        f"[{i}].sessionReference.schoolYear",
                        i,
                    )
                )
            else:
                school_year = year
            if isinstance(school_id, int) and session.get("schoolId") != school_id:
                errors.append(
                    FieldError(
                        "must be the schoolReference's schoolId",
                        f"[{i}].sessionReference.schoolId",
                        i,
                    )
                )
        event_date = found.get("date", "")
        if event_date and parse_date(event_date) is None:
            errors.append(
                FieldError(f"{event_date!r} is not a date (use YYYY-MM-DD)", f"[{i}].eventDate", i)
            )
        sessions = _sessions(item, i, errors)
        if not errors:
            assert isinstance(school_id, int)
            events.append(
                EdFiEvent(
                    i,
                    found["student"],
                    school_id,
                    event_date,
                    found["descriptor"],
                    sessions,
                    session_name,
                    school_year,
                )
            )
    if errors:
        raise FormatRejected(errors)
    return events


EDFI_COLUMNS = {
    "student_id": "studentReference.studentUniqueId",
    "date": "eventDate",
    "session": EDFI_SESSION_PATH,
    "code": "attendanceEventCategoryDescriptor",
    "school_id": "schoolReference.schoolId",
}


def descriptor_code_value(descriptor: str) -> str:
    """Return a descriptor's code value: the part after the # of its URI, or all of it."""
    return descriptor.rsplit("#", 1)[-1].strip()


# Ed-Fi's default attendance event categories, the one that wins first, when several
# events give one student's session: an absence over a late arrival or early departure,
# and any of those over plain attendance (a register taken as "In Attendance" and then
# corrected). A category outside this list (a school's own) outranks them all, and two
# such categories for one session are refused: only the school can say which holds.
PRECEDENCE = (
    "unexcused absence",
    "excused absence",
    "tardy",
    "early departure",
    "partial",
    "in attendance",
    "present",
)
# Categories that mean the student attended the session, so count as the school's
# "In Attendance" code unless the school maps them to codes of their own.
ATTENDED = ("early departure", "partial", "present")


def precedence(descriptor: str) -> int:
    """Return a category's rank: lower wins; 0 for a category outside Ed-Fi's defaults."""
    value = descriptor_code_value(descriptor).lower()
    return PRECEDENCE.index(value) + 1 if value in PRECEDENCE else 0


# --- OneRoster 1.2 CSV ------------------------------------------------------------------

ONEROSTER_FILES = ("orgs.csv", "users.csv", "enrollments.csv")
ONEROSTER_OPTIONAL = ("demographics.csv",)
NEEDED_COLUMNS = {
    "orgs.csv": ("sourcedId", "name", "type", "identifier"),
    "users.csv": ("sourcedId", "givenName", "familyName", "identifier", "grades"),
    "enrollments.csv": (
        "sourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "beginDate",
        "endDate",
    ),
    "demographics.csv": ("sourcedId", "birthDate"),
}
# CEDS grade levels as OneRoster writes them, to the school's year level.
GRADES = {"PK": 0, "KG": 0, "TK": 0, **{f"{n:02d}": n for n in range(1, 16)}}


@dataclass
class OneRosterStudent:
    national_id: str
    given_name: str
    family_name: str
    birth_date: str  # empty when demographics.csv has none: then the stored one is kept
    year_level: str
    enrolled_from: str
    enrolled_to: str
    origin: Origin


def _read_csv(name: str, data: bytes, errors: list[FieldError]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        errors.append(FieldError("the file is not UTF-8 text", f"{name} line {line}"))
        return []
    rows: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in NEEDED_COLUMNS[name] if c not in header]
        if missing:
            errors.append(FieldError(f"the header lacks {', '.join(missing)}", f"{name} line 1"))
            return []
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                errors.append(
                    FieldError(
                        f"expected {len(header)} fields, found {len(fields)}",
                        f"{name} line {reader.line_num}",
                    )
                )
                continue
            rows.append(
                (reader.line_num, dict(zip(header, (f.strip() for f in fields), strict=True)))
            )
    except csv.Error as e:
        errors.append(
            FieldError(f"this is not readable CSV ({e})", f"{name} line {reader.line_num}")
        )
    return rows


STATUSES = ("", "active", "tobedeleted", "inactive")  # inactive: OneRoster 1.1's word
DELETED = ("tobedeleted", "inactive")


def _modified(text: str) -> datetime | None:
    """Return a dateLastModified (ISO 8601 date-time, Z for UTC), or None if it is not one."""
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _latest(
    name: str, rows: list[tuple[int, dict[str, str]]], errors: list[FieldError]
) -> list[tuple[int, dict[str, str]]]:
    """Check each row's status and dateLastModified; keep the latest row of each sourcedId.

    A delta may carry a record more than once as it changed: the one last modified
    holds (the later line, when they tie or have no dateLastModified).
    """
    latest: dict[str, tuple[datetime, int, dict[str, str]]] = {}
    for line, row in rows:
        where = f"{name} line {line}"
        status = row.get("status", "").lower()
        if status not in STATUSES:
            errors.append(
                FieldError(
                    f"{row['status']!r} is not a OneRoster status (active or tobedeleted)",
                    f"{where}, column status",
                )
            )
        row["status"] = status
        text = row.get("dateLastModified", "")
        modified = _modified(text) if text else EARLIEST
        if modified is None:
            errors.append(
                FieldError(
                    f"{text!r} is not a date and time (use 2026-11-13T09:30:00Z)",
                    f"{where}, column dateLastModified",
                )
            )
            modified = EARLIEST
        key = row["sourcedId"]
        if key not in latest or latest[key][0] <= modified:
            latest[key] = (modified, line, row)
    return sorted((line, row) for _, line, row in latest.values())


EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Spell:
    line: int
    begin: str
    end: str  # empty: open
    deleted: bool
    modified: str  # the row's dateLastModified, for a deleted one without an end


def _no_weekday_between(reach: date, begin: date) -> bool:
    """Return whether a spell reaching `reach` runs on into one beginning on `begin`."""
    return next_weekday(reach) >= begin


def _spells(enrollments: list[Spell], today: str) -> list[tuple[str, str]]:
    """Return the student's spells at the school: (first day, last day or "") each.

    Enrollments (one per class, often overlapping) that overlap, or follow one another
    with no weekday between, make one spell; ones with school days between them are
    separate spells (the child left and came back). A deleted enrollment ends on its
    endDate, else on the day of the deletion's dateLastModified (else today): so a
    delta that deletes the enrollment of a spell ends that spell, and one that deletes
    a class while another goes on changes nothing.
    """
    dated: list[tuple[date, date | None]] = []
    for e in enrollments:
        end = e.end or ((e.modified[:10] or today) if e.deleted else "")
        begin, last = parse_date(e.begin), parse_date(end) if end else None
        if begin is None or (end and last is None):
            return [(x.begin, x.end) for x in enrollments]  # refused elsewhere, naming the line
        dated.append((begin, last))
    dated.sort(key=lambda d: d[0])
    spells: list[tuple[date, date | None]] = []
    for begin, last in dated:
        if spells and (spells[-1][1] is None or _no_weekday_between(spells[-1][1], begin)):
            start, reach = spells.pop()
            spells.append((start, None if reach is None or last is None else max(reach, last)))
        else:
            spells.append((begin, last))
    return [(b.isoformat(), e.isoformat() if e else "") for b, e in spells]


def parse_oneroster(
    files: dict[str, bytes], *, school_ids: set[str], today: str = ""
) -> tuple[list[OneRosterStudent], list[FieldError]]:
    """Return the students enrolled at the school (an org of type school whose identifier
    is one of `school_ids`), with their enrolment spells, from OneRoster 1.2 CSV files,
    and warnings about rows that deserve a second look.

    Status and dateLastModified are honoured, for delta files: of rows with one
    sourcedId the latest holds, and a student whose enrollments there are all
    `tobedeleted` has that spell ended (see `_spells`): a student comes once for
    each spell of enrolment at the school. Users are matched by
    sourcedId; the national id is users.csv's identifier; the year level its first
    grade; the birth date comes from demographics.csv when it is sent.
    """
    errors: list[FieldError] = []
    for name in ONEROSTER_FILES:
        if name not in files:
            errors.append(FieldError("send this file", name))
    if errors:
        raise FormatRejected(errors)
    tables = {
        name: _latest(name, _read_csv(name, files[name], errors), errors)
        for name in files
        if name in NEEDED_COLUMNS
    }
    if errors:
        raise FormatRejected(errors)
    orgs = [
        row["sourcedId"]
        for _, row in tables["orgs.csv"]
        if row["type"].lower() == "school" and row["identifier"] in school_ids
    ]
    if not orgs:
        raise FormatRejected(
            [
                FieldError(
                    f"no org of type school has identifier {' or '.join(sorted(school_ids))}",
                    "orgs.csv",
                )
            ]
        )
    users = {row["sourcedId"]: (line, row) for line, row in tables["users.csv"]}
    births = {row["sourcedId"]: (line, row) for line, row in tables.get("demographics.csv", [])}
    spans: dict[str, list[Spell]] = {}
    for line, row in tables["enrollments.csv"]:
        if row["role"].lower() != "student" or row["schoolSourcedId"] not in orgs:
            continue
        where = f"enrollments.csv line {line}"
        if row["userSourcedId"] not in users:
            message = (
                f"{row['userSourcedId']!r} is not a sourcedId in users.csv (a delta must "
                "carry the user of each enrollment it changes)"
            )
            errors.append(FieldError(message, f"{where}, column userSourcedId"))
            continue
        for column in ("beginDate", "endDate"):
            if row[column] and parse_date(row[column]) is None:
                message = f"{row[column]!r} is not a date (use YYYY-MM-DD)"
                errors.append(FieldError(message, f"{where}, column {column}"))
        if not row["beginDate"]:
            errors.append(
                FieldError("is empty: Stepwise needs the first day", f"{where}, column beginDate")
            )
        user_deleted = users[row["userSourcedId"]][1]["status"] in DELETED
        spans.setdefault(row["userSourcedId"], []).append(
            Spell(
                line,
                row["beginDate"],
                row["endDate"],
                row["status"] in DELETED or user_deleted,
                row.get("dateLastModified", ""),
            )
        )
    students: list[OneRosterStudent] = []
    warnings: list[FieldError] = []
    for user_id, enrolments in spans.items():
        line, user = users[user_id]
        where = f"users.csv line {line}"
        grade = user["grades"].split(",")[0].strip()
        level = GRADES.get(grade.upper())
        if level is None and grade.isascii() and grade.isdigit():
            level = int(grade)
        birth = ""
        if user_id in births:
            birth_line, demographics = births[user_id]
            birth = demographics["birthDate"]
            if parse_date(birth) is None:
                message = f"{birth!r} is not a date (use YYYY-MM-DD)"
                errors.append(
                    FieldError(message, f"demographics.csv line {birth_line}, column birthDate")
                )
        students.extend(
            OneRosterStudent(
                national_id=user["identifier"],
                given_name=user["givenName"],
                family_name=user["familyName"],
                birth_date=birth,
                year_level="" if level is None else str(level),
                enrolled_from=first,
                enrolled_to=last,
                origin=Origin(
                    None,
                    where,
                    {
                        "student_id": "identifier",
                        "given_name": "givenName",
                        "family_name": "familyName",
                        "year_level": "grades",
                        "birth_date": "birthDate (demographics.csv)",
                        "enrolled_from": "beginDate (enrollments.csv)",
                        "enrolled_to": "endDate (enrollments.csv)",
                    },
                ),
            )
            for first, last in _spells(enrolments, today)
        )
    if errors:
        raise FormatRejected(errors)
    if not students:
        raise FormatRejected(
            [FieldError("no student is enrolled at the school", "enrollments.csv")]
        )
    return students, warnings
