"""Import a roster: students and their enrolment at a school."""

from dataclasses import dataclass
from datetime import date

from stepwise.register.csvfile import Problems, field_limits, parse_date, read_rows
from stepwise.register.importers import Applied, ImportResult, run_import
from stepwise.register.models import ImportRun
from stepwise.schools.models import Enrolment, School, Student

HEADER = (
    "school_id",
    "student_id",
    "given_name",
    "family_name",
    "birth_date",
    "year_level",
    "enrolled_from",
    "enrolled_to",
)


# The longest value each column may hold: the field that keeps it (100 for a name).
LIMITS = field_limits(
    Student, student_id="national_id", given_name="given_name", family_name="family_name"
)


@dataclass(frozen=True)
class RosterRow:
    school: School
    national_id: str
    given_name: str
    family_name: str
    birth_date: date
    year_level: int
    enrolled_from: date
    enrolled_to: date | None


def import_roster(data: bytes, *, file_name: str, user=None) -> ImportResult:
    """Create or update the students and enrolments a roster file lists, all or nothing."""
    return run_import(
        kind=ImportRun.Kind.ROSTER,
        data=data,
        file_name=file_name,
        user=user,
        apply=lambda run: _apply(_parse(data, file_name)),
    )


def _parse(data: bytes, file_name: str) -> list[RosterRow]:
    problems = Problems(file_name)
    schools = {s.code: s for s in School.objects.all()}
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for line, fields in read_rows(data, header=HEADER, problems=problems):
        school_id, student_id, given, family, birth, level, start, end = (f.strip() for f in fields)
        problems.check_lengths(
            line, {"student_id": student_id, "given_name": given, "family_name": family}, LIMITS
        )
        school = schools.get(school_id)
        if school is None:
            problems.add(line, "school_id", f"unknown school {school_id!r}")
        if not student_id:
            problems.add(line, "student_id", "is empty")
        elif (school_id, student_id) in seen:
            first = seen[school_id, student_id]
            message = f"{student_id} is listed twice for {school_id} (first on line {first})"
            problems.add(line, "student_id", message)
        seen[school_id, student_id] = line
        for column, value in (("given_name", given), ("family_name", family)):
            if not value:
                problems.add(line, column, "is empty")
        birth_date = parse_date(birth)
        if birth_date is None:
            problems.add(line, "birth_date", f"{birth!r} is not a date (use YYYY-MM-DD)")
        # isdigit() alone lets "²" through, which int() refuses.
        year_level = int(level) if level.isascii() and level.isdigit() else None
        if year_level is None or not 0 <= year_level <= 15:
            problems.add(line, "year_level", f"{level!r} is not a year level from 0 to 15")
        enrolled_from = parse_date(start)
        if enrolled_from is None:
            problems.add(line, "enrolled_from", f"{start!r} is not a date (use YYYY-MM-DD)")
        enrolled_to = parse_date(end) if end else None
        if end and enrolled_to is None:
            problems.add(
                line, "enrolled_to", f"{end!r} is not a date (use YYYY-MM-DD, or leave empty)"
            )
        if enrolled_from and enrolled_to and enrolled_to < enrolled_from:
            problems.add(line, "enrolled_to", f"{end} is before enrolled_from {start}")
        if problems:
            continue
        assert school and birth_date and enrolled_from and year_level is not None
        rows.append(
            RosterRow(
                school,
                student_id,
                given,
                family,
                birth_date,
                year_level,
                enrolled_from,
                enrolled_to,
            )
        )
    problems.raise_if_any()
    return rows


def _apply(rows: list[RosterRow]) -> Applied:
    ids = [r.national_id for r in rows]
    students = {s.national_id: s for s in Student.objects.filter(national_id__in=ids)}
    # A student listed at two schools (a move mid-year) is one person: create them once.
    first_rows = {r.national_id: r for r in reversed(rows)}
    new_students = [
        Student(
            national_id=r.national_id,
            given_name=r.given_name,
            family_name=r.family_name,
            birth_date=r.birth_date,
        )
        for r in first_rows.values()
        if r.national_id not in students
    ]
    changed_students = []
    for r in rows:
        s = students.get(r.national_id)
        if s and (s.given_name, s.family_name, s.birth_date) != (
            r.given_name,
            r.family_name,
            r.birth_date,
        ):
            s.given_name, s.family_name, s.birth_date = r.given_name, r.family_name, r.birth_date
            changed_students.append(s)
    Student.objects.bulk_create(new_students, batch_size=2000)
    Student.objects.bulk_update(
        changed_students, ["given_name", "family_name", "birth_date"], batch_size=2000
    )
    students = {s.national_id: s for s in Student.objects.filter(national_id__in=ids)}

    existing = {
        (e.student_id, e.school_id): e
        for e in Enrolment.objects.filter(student__national_id__in=ids)
    }
    new_enrolments, changed_enrolments = [], []
    for r in rows:
        student = students[r.national_id]
        e = existing.get((student.pk, r.school.pk))
        values = (r.year_level, r.enrolled_from, r.enrolled_to)
        if e is None:
            new_enrolments.append(
                Enrolment(
                    student=student,
                    school=r.school,
                    year_level=r.year_level,
                    enrolled_from=r.enrolled_from,
                    enrolled_to=r.enrolled_to,
                )
            )
        elif (e.year_level, e.enrolled_from, e.enrolled_to) != values:
            e.year_level, e.enrolled_from, e.enrolled_to = values
            changed_enrolments.append(e)
    Enrolment.objects.bulk_create(new_enrolments, batch_size=2000)
    Enrolment.objects.bulk_update(
        changed_enrolments, ["year_level", "enrolled_from", "enrolled_to"], batch_size=2000
    )
    detail = {
        "students added": len(new_students),
        "students updated": len(changed_students),
        "enrolments added": len(new_enrolments),
        "enrolments updated": len(changed_enrolments),
    }
    return Applied(len(rows), sum(detail.values()), {k: v for k, v in detail.items() if v})
