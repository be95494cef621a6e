"""OneRoster 1.2 CSV bundles: read a zip with its manifest, and write one for a school.

A bundle is a zip of CSV files with manifest.csv saying, for each file, whether it is
there in full (`bulk`), as changes (`delta`) or `absent`. Stepwise reads orgs, users,
enrollments and demographics; it refuses a bundle whose manifest and files disagree,
and names every part it did not read rather than dropping it silently.
"""

import csv
import io
import zipfile
from datetime import date
from pathlib import PurePosixPath

from stepwise.schools.models import Enrolment, School

from .formats import NEEDED_COLUMNS, ONEROSTER_FILES, FieldError, FormatRejected, csv_bytes

MANIFEST = "manifest.csv"
MODES = ("bulk", "delta", "absent")
# What Stepwise does instead of reading each part it leaves alone.
NOT_READ = {
    "academicSessions.csv": "terms come from the school's own calendar in Stepwise",
    "roles.csv": "a student is one with a student enrollment at the school",
    "classes.csv": "Stepwise keeps enrolment at the school, not in classes",
    "courses.csv": "Stepwise keeps enrolment at the school, not in courses",
}
DEFAULT_NOT_READ = "Stepwise does not use this part"


def read_bundle(data: bytes, *, max_bytes: int) -> tuple[dict[str, bytes], list[FieldError]]:
    """Return the parts of a OneRoster zip Stepwise reads, and a warning for each other one.

    Raises FormatRejected when the zip or its manifest is unreadable, when a part the
    manifest calls bulk or delta is missing or one it calls absent is there, when a
    part is not in the manifest, or when orgs, users or enrollments is absent.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise FormatRejected([FieldError("is not a zip file", "bundle")]) from None
    if sum(i.file_size for i in infos) > max_bytes:
        raise FormatRejected(
            [FieldError(f"holds more than {max_bytes:,} bytes once unzipped", "bundle")]
        )
    parts: dict[str, bytes] = {}
    try:
        for info in infos:
            parts[PurePosixPath(info.filename).name] = archive.read(info)
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as e:
        raise FormatRejected([FieldError(f"a part cannot be unzipped ({e})", "bundle")]) from None
    if MANIFEST not in parts:
        raise FormatRejected([FieldError("is not in the bundle: send it with the files", MANIFEST)])
    manifest = _manifest(parts.pop(MANIFEST))
    errors = []
    declared = {}
    for key, mode in manifest.items():
        if key.startswith("file."):
            declared[key.removeprefix("file.") + ".csv"] = (key, mode.lower())
    for name, (key, mode) in declared.items():
        if mode not in MODES:
            errors.append(
                FieldError(f"{mode!r} must be bulk, delta or absent", f"{MANIFEST} {key}")
            )
        elif mode == "absent" and name in parts:
            errors.append(FieldError(f"the manifest says {key} is absent, but it is here", name))
        elif mode != "absent" and name not in parts:
            errors.append(
                FieldError(f"the manifest says {key} is {mode}, but it is not here", name)
            )
    for name in ONEROSTER_FILES:
        key = "file." + name.removesuffix(".csv")
        if declared.get(name, (key, "absent"))[1] == "absent":
            errors.append(
                FieldError(
                    f"Stepwise needs {name}, but the manifest says it is absent",
                    f"{MANIFEST} {key}",
                )
            )
    for name in parts:
        if name not in declared:
            errors.append(FieldError("is in the bundle but not in the manifest", name))
    if errors:
        raise FormatRejected(errors, "nothing was imported: the bundle and its manifest disagree")
    warnings = [
        FieldError(f"not read: {NOT_READ.get(name, DEFAULT_NOT_READ)}", name)
        for name in sorted(parts)
        if name not in NEEDED_COLUMNS
    ]
    return {n: d for n, d in parts.items() if n in NEEDED_COLUMNS}, warnings


def _hidden(name: str) -> bool:
    """Say whether a zip entry is an operating system's, not a part (a Mac's __MACOSX/._x)."""
    path = PurePosixPath(name)
    return path.parts[0] == "__MACOSX" or path.name.startswith(".")


def _manifest(data: bytes) -> dict[str, str]:
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error) as e:
        raise FormatRejected([FieldError(f"is not readable CSV ({e})", MANIFEST)]) from None
    if not rows or [h.strip() for h in rows[0][:2]] != ["propertyName", "value"]:
        raise FormatRejected([FieldError("the header must be propertyName,value", MANIFEST)])
    return {r[0].strip(): r[1].strip() for r in rows[1:] if len(r) >= 2}


# --- Export ------------------------------------------------------------------------------

# The OneRoster 1.2 CSV headers, in the specification's order.
HEADERS = {
    "academicSessions.csv": (
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear"
    ),
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "courses.csv": (
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
        "orgSourcedId,subjects,subjectCodes"
    ),
    "classes.csv": (
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
        "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
    ),
    "users.csv": (
        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
        "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
        "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
        "preferredFamilyName,primaryOrgSourcedId,pronouns"
    ),
    "roles.csv": (
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
        "orgSourcedId,userProfileSourcedId"
    ),
    "enrollments.csv": (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate"
    ),
    "demographics.csv": (
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
        "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
        "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
        "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
    ),
}
# The manifest's other files, none of which an export of enrolments carries.
ABSENT = (
    "categories", "classResources", "courseResources", "lineItemLearningObjectiveIds",
    "lineItems", "lineItemScoreScales", "resources", "resultLearningObjectiveIds", "results",
    "resultScoreScales", "scoreScales", "userProfiles", "userResources",
)  # fmt: skip


def _grade(level: int) -> str:
    """Return a year level as OneRoster writes grades (CEDS): KG for 0, else two digits."""
    return "KG" if level == 0 else f"{level:02d}"


def _table(name: str, rows: list[list[str]]) -> bytes:
    # Bulk files: each row's status and dateLastModified are left empty.
    return csv_bytes(tuple(HEADERS[name].split(",")), rows)


def oneroster_export(school: School) -> bytes:
    """Return the school's roster as a OneRoster 1.2 CSV bundle (zip with manifest.csv).

    One org (the school, identified by its number, else its id), its terms and school
    years as academicSessions, one homeroom class of one course that every enrolment
    is in, each enrolled student as a user with a student role (their year level the
    latest spell's), an enrollment for each spell of their enrolment with its first
    and last day, and their birth date. It imports back through POST .../oneroster
    into an empty school.
    """
    org = f"org-{school.code}"
    course, klass = f"course-{school.code}", f"class-{school.code}"
    terms = list(school.terms.order_by("start"))
    ends: dict[int, date] = {}
    starts: dict[int, date] = {}
    for t in terms:
        ends[t.year] = max(ends.get(t.year, t.end), t.end)
        starts[t.year] = min(starts.get(t.year, t.start), t.start)
    sessions = [
        [f"year-{y}", "", "", str(ends[y].year), "schoolYear", starts[y].isoformat(),
         ends[y].isoformat(), "", str(ends[y].year)]
        for y in sorted(ends)
    ] + [
        [f"term-{t.key}", "", "", t.name, "term", t.start.isoformat(), t.end.isoformat(),
         f"year-{t.year}", str(ends[t.year].year)]
        for t in terms
    ]  # fmt: skip
    enrolments = (
        Enrolment.objects.filter(school=school)
        .select_related("student")
        .order_by("student__national_id", "enrolled_from")
    )
    spells: dict[str, list[Enrolment]] = {}
    for e in enrolments:
        spells.setdefault(e.student.national_id, []).append(e)
    users, roles, enrollments, births = [], [], [], []
    for national_id, held in spells.items():
        s, latest = held[0].student, held[-1]
        user = f"user-{national_id}"
        users.append(
            [user, "", "", "true", national_id, "", s.given_name, s.family_name, "",
             national_id, "", "", "", "", _grade(latest.year_level), "", "", "", "", "", "",
             org, ""]
        )  # fmt: skip
        roles.append(
            [f"role-{national_id}", "", "", user, "primary", "student",
             held[0].enrolled_from.isoformat(), "", org, ""]
        )  # fmt: skip
        # One enrollment a spell; the first keeps the id a student's only spell had.
        for n, e in enumerate(held):
            ref = f"enrollment-{national_id}" + (f"-{e.enrolled_from.isoformat()}" if n else "")
            enrollments.append(
                [ref, "", "", klass, org, user, "student", "true", e.enrolled_from.isoformat(),
                 e.enrolled_to.isoformat() if e.enrolled_to else ""]
            )  # fmt: skip
        births.append([user, "", "", s.birth_date.isoformat(), *[""] * 12])
    grades = ",".join(sorted({r[14] for r in users}))
    title = f"Enrolment at {school.name}"
    term_ids = ",".join(f"term-{t.key}" for t in terms)
    identifier = school.school_number or school.code
    tables = {
        "academicSessions.csv": sessions,
        "orgs.csv": [[org, "", "", school.name, "school", identifier, ""]],
        "courses.csv": [[course, "", "", "", title, "", grades, org, "", ""]],
        "classes.csv": [
            [klass, "", "", title, grades, course, "", "homeroom", "", org, term_ids, "", "", ""]
        ],
        "users.csv": users,
        "roles.csv": roles,
        "enrollments.csv": enrollments,
        "demographics.csv": births,
    }
    manifest = [
        ["manifest.version", "1.0"],
        ["oneroster.version", "1.2"],
        *([f"file.{n.removesuffix('.csv')}", "bulk"] for n in tables),
        *([f"file.{n}", "absent"] for n in ABSENT),
        ["source.systemName", "Stepwise"],
        ["source.systemCode", school.code],
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, csv_bytes(("propertyName", "value"), manifest))
        for name, rows in tables.items():
            z.writestr(name, _table(name, rows))
    return out.getvalue()
