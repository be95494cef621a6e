"""Receive KAMAR's Directory Services push: the school's students and its attendance.

KAMAR posts an `SMSDirectoryData` document to a listening service, with HTTP Basic
credentials the school sets in KAMAR (here: any user name, and an API token of the
school's organisation as the password). Its `sync` says what it holds:

- `check`: KAMAR asks what the service wants; the answer asks for student details
  and attendance, nothing else.
- `full` or `part`: students, imported as a roster (NSN, names, birth date, year
  level, starting and leaving dates).
- `attendance`: each student's days, imported as register marks (see `day_sessions`).

Everything goes through the CSV importers like any other push: the same checks, all
or nothing. Answers are KAMAR's envelope, {"SMSDirectoryData": {"error": 0, "result":
"OK", ...}}, with the HTTP status as its `error`.
"""

import json
from dataclasses import dataclass

from stepwise.register.importers.profiles import code_for, most_common_first
from stepwise.register.importers.vendors import KAMAR
from stepwise.register.models import ImportCodeMapping
from stepwise.schools.models import School

from .formats import FieldError, FormatRejected, Origin

SERVICE = "Stepwise"
VERSION = "1.0"
NO_CLASS = ". "  # a slot of the day without a class: a break, or no timetabled period
# What the check answer asks KAMAR to send.
OPTIONS = {
    "ics": False,
    "students": {
        "details": True,
        "passwords": False,
        "photos": False,
        "groups": False,
        "awards": False,
        "timetables": False,
        "attendance": True,
        "assessments": False,
        "pastoral": False,
        "learningsupport": False,
        "fields": {
            "required": "nsn;firstname;lastname;datebirth;yearlevel;startingdate",
            "optional": "leavingdate",
        },
    },
    "common": {"subjects": False, "notices": False, "calendar": False, "bookings": False},
}
PRIVACY = (
    "Stepwise keeps each student's enrolment and attendance to track absence against the "
    "school's Attendance Management Plan; only the school's own staff see them."
)


def envelope(error: int, result: str, **more: object) -> dict[str, object]:
    return {
        "SMSDirectoryData": {
            "error": error,
            "result": result,
            "service": SERVICE,
            "version": VERSION,
            **more,
        }
    }


def check_answer() -> dict[str, object]:
    return envelope(0, "OK", status="Ready", privacystatement=PRIVACY, options=OPTIONS)


@dataclass(frozen=True)
class Push:
    sync: str
    data: dict


def read_push(body: bytes, school: School) -> Push:
    """Return the push's sync type and document; refuse one that is not KAMAR's, or that an
    authoritative school in it says is another school's."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FormatRejected([FieldError("the body is not JSON", "body")]) from None
    data = document.get("SMSDirectoryData") if isinstance(document, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("sync"), str):
        raise FormatRejected([FieldError("send an SMSDirectoryData object with its sync", "body")])
    for i, found in enumerate(data.get("schools") or []):
        moe = str(found.get("moeCode", "")) if isinstance(found, dict) else ""
        if found.get("authoritative") and moe.lstrip("0") != school.school_number.lstrip("0"):
            raise FormatRejected(
                [
                    FieldError(
                        f"{moe!r} is not {school.code}'s school number ({school.school_number})",
                        f"schools[{i}].moeCode",
                    )
                ]
            )
    return Push(data["sync"], data)


def _iso(text: object) -> str:
    """Return KAMAR's YYYYMMDD date as YYYY-MM-DD ("" for none; as sent if not a date)."""
    value = str(text or "").strip()
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def _items(data: dict, part: str) -> list[tuple[int, dict]]:
    found = data.get(part)
    items = found.get("data") if isinstance(found, dict) else None
    if not isinstance(items, list):
        raise FormatRejected([FieldError(f"a {data['sync']} push needs {part}.data", part)])
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


ROSTER_FIELDS = {
    "student_id": "nsn",
    "given_name": "firstname",
    "family_name": "lastname",
    "birth_date": "datebirth",
    "year_level": "yearlevel",
    "enrolled_from": "startingdate",
    "enrolled_to": "leavingdate",
}


def roster_rows(data: dict, school: School) -> tuple[list[list[str]], list[Origin]]:
    """Return a students push as roster rows, each with where it came from."""
    rows, origins = [], []
    for i, student in _items(data, "students"):
        rows.append(
            [
                school.code,
                str(student.get("nsn") or "").strip(),
                str(student.get("firstname") or "").strip(),
                str(student.get("lastname") or "").strip(),
                _iso(student.get("datebirth")),
                str(student.get("yearlevel") or "").strip(),
                _iso(student.get("startingdate")),
                _iso(student.get("leavingdate")),
            ]
        )
        origins.append(Origin(i, f"students.data[{i}]", ROSTER_FIELDS))
    return rows, origins


def day_sessions(slots: str) -> dict[str, str]:
    """Return the morning's and afternoon's codes of a day's slots (one character a slot).

    The first half of the slots (the larger half, for an odd number) are the morning's;
    each session takes the code most of its classes carry (the earliest, on a tie), and
    a session with no class in it has no mark.
    """
    half = (len(slots) + 1) // 2
    found = {}
    for session, part in (("AM", slots[:half]), ("PM", slots[half:])):
        codes = [c for c in part if c not in NO_CLASS]
        if codes:
            found[session] = most_common_first(codes)
    return found


HALF_DAYS = ("hdp", "hdj", "hdu")  # KAMAR's present, justified and unjustified half-days


def half_days(codes: list[str], school: School) -> tuple[int, int, int]:
    """Return the present, justified and unjustified half-days that pack codes make."""
    counted = [school.rules.code(c) for c in codes]
    present = sum(c.half_day == "present" for c in counted)
    absent = [c for c in counted if c.half_day == "absent"]
    justified = sum(c.category == "justified" for c in absent)
    return present, justified, len(absent) - justified


def register_rows(
    data: dict, school: School
) -> tuple[list[list[str]], list[Origin], list[FieldError]]:
    """Return an attendance push as register rows, each with its origin, and warnings.

    A day's `alt` codes are read (KAMAR's codes as the Ministry counts them), else its
    `codes`; a code is the school's mapping for the KAMAR profile, or the pack's own. A
    day whose sessions count otherwise than KAMAR's own half-day counts (hdp, hdj,
    hdu) is imported as read, with a warning naming it: the split of the day's slots
    into morning and afternoon is Stepwise's reading, and this is where it shows.
    """
    mapping = dict(
        ImportCodeMapping.objects.filter(school=school, profile=KAMAR.key).values_list(
            "local_code", "code"
        )
    )
    rows, origins, errors, warnings = [], [], [], []
    for i, student in _items(data, "attendance"):
        nsn = str(student.get("nsn") or "").strip()
        values = student.get("values")
        if not isinstance(values, list):
            values = []
        for j, day in enumerate(values):
            if not isinstance(day, dict):
                continue
            where = f"attendance.data[{i}].values[{j}]"
            slots = str(day.get("alt") or day.get("codes") or "")
            read = []
            for session, raw in day_sessions(slots).items():
                code = code_for(raw, school, KAMAR, mapping)
                if code is None:
                    errors.append(
                        FieldError(
                            f"{raw!r} is not a code of the {school.rules.name} rule pack, and "
                            f"{school.code} has not mapped it: map it with `stepwise "
                            f"import-profile --school {school.code} --profile kamar {raw}=<code>`",
                            f"{where}.alt",
                            i,
                        )
                    )
                    continue
                read.append(code)
                rows.append([school.code, nsn, _iso(day.get("date")), session, code])
                day_at = f"values[{j}]"
                columns = {"student_id": "nsn", "date": f"{day_at}.date", "code": f"{day_at}.alt",
                           "session": f"{day_at}.alt"}  # fmt: skip
                origins.append(Origin(i, f"attendance.data[{i}]", columns))
            theirs = [day.get(k) for k in HALF_DAYS]
            if all(isinstance(n, int) for n in theirs) and len(read) == len(day_sessions(slots)):
                ours = half_days(read, school)
                if tuple(theirs) != ours:
                    warnings.append(
                        FieldError(
                            f"KAMAR counts {theirs[0]} present, {theirs[1]} justified and "
                            f"{theirs[2]} unjustified half-days here; the marks read from the "
                            f"slots {slots!r} count {ours[0]}, {ours[1]} and {ours[2]}",
                            where,
                            i,
                        )
                    )
    if errors:
        raise FormatRejected(errors, f"nothing was imported: {len(errors)} problems")
    return rows, origins, warnings
