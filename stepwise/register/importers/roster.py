"""Import a roster: each school's own records of its students, and their enrolments.

A row creates or changes only its school's record: a child another school also holds
keeps that school's name and birth date there, and a row that differs from them is
imported with a warning naming it.
"""

from dataclasses import dataclass
from datetime import date

from stepwise.audit.models import AuditEvent
from stepwise.register.csvfile import Problem, Problems, field_limits, parse_date, read_rows
from stepwise.register.importers import Applied, ImportResult, run_import
from stepwise.register.models import ImportRun
from stepwise.schools.models import Enrolment, School, Student
from stepwise.schools.spells import describe, overlaps

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
    line: int  # in the file, the header being line 1
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
        apply=lambda run: _apply(_parse(data, file_name), file_name, user),
    )


def _parse(data: bytes, file_name: str) -> list[RosterRow]:
    problems = Problems(file_name)
    schools = {s.code: s for s in School.objects.all()}
    seen: dict[tuple[str, str], list[tuple[int, tuple[date, date | None]]]] = {}
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
        elif enrolled_from and student_id:
            # A child may be listed once for each spell at the school; spells never overlap.
            spell = (enrolled_from, enrolled_to)
            for first, other in seen.get((school_id, student_id), []):
                if overlaps(spell, other):
                    message = (
                        f"{student_id}'s enrolment {describe(*spell)} overlaps the one "
                        f"{describe(*other)} on line {first}"
                    )
                    problems.add(line, "enrolled_from", message)
            seen.setdefault((school_id, student_id), []).append((line, spell))
        if problems:
            continue
        assert school and birth_date and enrolled_from and year_level is not None
        rows.append(
            RosterRow(
                line,
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


def _apply(rows: list[RosterRow], file_name: str, user) -> Applied:
    ids = [r.national_id for r in rows]
    school_pks = {r.school.pk for r in rows}
    # Each school's own records: a row finds, creates or changes only its school's.
    held = Student.objects.filter(school_id__in=school_pks, national_id__in=ids)
    students = {(s.school_id, s.national_id): s for s in held}
    new_students: list[Student] = []
    changed_students: dict[int, Student] = {}  # a student listed for two spells comes once
    for r in rows:
        details = (r.given_name, r.family_name, r.birth_date)
        s = students.get((r.school.pk, r.national_id))
        if s is None:
            new_students.append(Student(school=r.school, national_id=r.national_id))
            s = students[r.school.pk, r.national_id] = new_students[-1]  # a row a spell
        elif s.pk is not None and (s.given_name, s.family_name, s.birth_date) != details:
            changed_students[s.pk] = s
        s.given_name, s.family_name, s.birth_date = details
    Student.objects.bulk_create(new_students, batch_size=2000)
    Student.objects.bulk_update(
        changed_students.values(), ["given_name", "family_name", "birth_date"], batch_size=2000
    )
    held = Student.objects.filter(school_id__in=school_pks, national_id__in=ids)
    students = {(s.school_id, s.national_id): s for s in held}

    new_enrolments, changed_enrolments = _spells(rows, students, file_name)
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
    return Applied(
        len(rows),
        sum(detail.values()),
        {k: v for k, v in detail.items() if v},
        warnings=_conflicts(rows, file_name, user),
        schools={r.school.pk for r in rows},
    )


def _spells(
    rows: list[RosterRow], students: dict[tuple[int, str], Student], file_name: str
) -> tuple[list[Enrolment], list[Enrolment]]:
    """Return the spells the rows add and the ones they change, or raise naming an overlap.

    Each row, earliest first, is matched to the student's spells by its dates: the
    one it overlaps is corrected to the row, none means a new spell, two are refused
    (see stepwise.schools.spells).
    """
    held: dict[int, list[Enrolment]] = {}
    for e in Enrolment.objects.filter(student__in=students.values()).order_by("enrolled_from"):
        held.setdefault(e.student_id, []).append(e)
    problems = Problems(file_name)
    new: list[Enrolment] = []
    changed: dict[int, Enrolment] = {}
    for r in sorted(rows, key=lambda r: r.enrolled_from):
        student = students[r.school.pk, r.national_id]
        spell = (r.enrolled_from, r.enrolled_to)
        spells = held.setdefault(student.pk, [])
        found = [e for e in spells if overlaps(spell, (e.enrolled_from, e.enrolled_to))]
        values = (r.year_level, r.enrolled_from, r.enrolled_to)
        if len(found) > 1:
            held_text = " and ".join(describe(e.enrolled_from, e.enrolled_to) for e in found)
            problems.add(
                r.line,
                "enrolled_from",
                f"{r.national_id}'s enrolment {describe(*spell)} overlaps {len(found)} spells "
                f"{r.school.code} holds ({held_text}): end or correct one of them first",
            )
        elif not found:
            e = Enrolment(student=student, school=r.school, year_level=r.year_level)
            e.enrolled_from, e.enrolled_to = spell
            spells.append(e)
            new.append(e)
        elif (found[0].year_level, found[0].enrolled_from, found[0].enrolled_to) != values:
            found[0].year_level, found[0].enrolled_from, found[0].enrolled_to = values
            if found[0].pk is not None:
                changed[found[0].pk] = found[0]
    problems.items.sort(key=lambda p: p.line)
    problems.raise_if_any()
    return new, list(changed.values())


def _conflicts(rows: list[RosterRow], file_name: str, user) -> list[Problem]:
    """Warn of each row whose child another school holds under other details.

    The row is the importing school's own record either way; the warning says so
    without repeating what the other school holds, and the other school's audit log
    records that its record was compared.
    """
    by_id: dict[str, list[RosterRow]] = {}
    for r in rows:
        by_id.setdefault(r.national_id, []).append(r)
    schools = {r.school.pk for r in rows}
    others = Student.objects.filter(national_id__in=list(by_id)).order_by("pk")
    if len(schools) == 1:  # the usual file: one school's roster, its own records left out
        others = others.exclude(school_id__in=schools)
    warned: dict[int, Problem] = {}
    told: list[AuditEvent] = []
    for other in others.select_related("school"):
        for r in by_id[other.national_id]:
            if other.school_id == r.school.pk or (
                (other.given_name, other.family_name, other.birth_date)
                == (r.given_name, r.family_name, r.birth_date)
            ):
                continue
            warned[r.line] = Problem(
                r.line,
                "student_id",
                f"another school holds a different name or birth date for {r.national_id}; "
                f"this row is imported as {r.school.name}'s own record and changes nothing "
                "another school holds",
            )
            told.append(
                AuditEvent(
                    user=user if getattr(user, "pk", None) else None,
                    # bulk_create skips save(), which keeps the name of who did it.
                    username=user.get_username() if getattr(user, "pk", None) else "",
                    organisation_id=other.school.organisation_id,
                    action=AuditEvent.Action.VIEW,
                    object_type="student",
                    object_id=str(other.pk),
                    detail=f"compared with a roster row of {r.school.code} ({file_name}, line "
                    f"{r.line}) that holds a different name or birth date"[:300],
                )
            )
    AuditEvent.objects.bulk_create(told, batch_size=2000)
    return [warned[line] for line in sorted(warned)]
