"""Import caregivers: each row links one caregiver to one enrolled student."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from stepwise.register.csvfile import Problems, field_limits, parse_yes_no, read_rows
from stepwise.register.importers import Applied, ImportResult, run_import
from stepwise.register.models import ImportRun
from stepwise.schools.models import Caregiver, Enrolment, School, StudentCaregiver

HEADER = (
    "school_id",
    "student_id",
    "caregiver_id",
    "given_name",
    "family_name",
    "relationship",
    "lives_with_student",
    "parental_responsibility",
    "email",
    "phone",
    "address",
    "preferred_language",
)
PERSON_FIELDS = ("given_name", "family_name", "email", "phone", "address", "preferred_language")
# The longest value each column may hold: the field that keeps it (100 for a name).
LIMITS = field_limits(
    Caregiver, caregiver_id="ref", **{name: name for name in PERSON_FIELDS}
) | field_limits(StudentCaregiver, relationship="relationship")


@dataclass(frozen=True)
class CaregiverRow:
    school: School
    student_pk: int
    ref: str
    person: tuple[str, ...]  # PERSON_FIELDS, in order
    relationship: str
    lives_with_student: bool
    parental_responsibility: bool


def import_caregivers(data: bytes, *, file_name: str, user=None) -> ImportResult:
    """Create or update caregivers and their links to students, all or nothing."""
    return run_import(
        kind=ImportRun.Kind.CAREGIVERS,
        data=data,
        file_name=file_name,
        user=user,
        apply=lambda run: _apply(_parse(data, file_name)),
    )


def _parse(data: bytes, file_name: str) -> list[CaregiverRow]:
    problems = Problems(file_name)
    schools = {s.code: s for s in School.objects.all()}
    enrolled = {
        (code, nid): pk
        for code, nid, pk in Enrolment.objects.values_list(
            "school__code", "student__national_id", "student_id"
        )
    }
    people: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}
    links: dict[tuple[str, str, str], int] = {}
    rows = []
    for line, fields in read_rows(data, header=HEADER, problems=problems):
        (
            school_id,
            student_id,
            ref,
            given,
            family,
            relationship,
            lives,
            responsibility,
            email,
            phone,
            address,
            language,
        ) = values = [f.strip() for f in fields]
        problems.check_lengths(line, dict(zip(HEADER, values, strict=True)), LIMITS)
        school = schools.get(school_id)
        student_pk = enrolled.get((school_id, student_id))
        if school is None:
            problems.add(line, "school_id", f"unknown school {school_id!r}")
        elif student_pk is None:
            problems.add(line, "student_id", f"{student_id!r} is not on {school_id}'s roster")
        if not ref:
            problems.add(line, "caregiver_id", "is empty")
        for column, value in (
            ("given_name", given),
            ("family_name", family),
            ("relationship", relationship),
        ):
            if not value:
                problems.add(line, column, "is empty")
        lives_with = parse_yes_no(lives)
        if lives_with is None:
            problems.add(line, "lives_with_student", f"{lives!r} must be yes or no")
        has_responsibility = parse_yes_no(responsibility)
        if has_responsibility is None:
            problems.add(line, "parental_responsibility", f"{responsibility!r} must be yes or no")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.add(line, "email", f"{email!r} is not an email address")
        person = (given, family, email, phone, address, language)
        first = people.setdefault((school_id, ref), (line, person))
        if first[1] != person:
            problems.add(
                line,
                "caregiver_id",
                f"{ref} has different details here than on line {first[0]}",
            )
        link = (school_id, student_id, ref)
        if link in links:
            problems.add(
                line, "caregiver_id", f"{ref} is linked to {student_id} twice (line {links[link]})"
            )
        links[link] = line
        if problems:
            continue
        assert school and student_pk and lives_with is not None and has_responsibility is not None
        rows.append(
            CaregiverRow(
                school, student_pk, ref, person, relationship, lives_with, has_responsibility
            )
        )
    problems.raise_if_any()
    return rows


def _apply(rows: list[CaregiverRow]) -> Applied:
    school_ids = {r.school.pk for r in rows}
    existing = {(c.school_id, c.ref): c for c in Caregiver.objects.filter(school_id__in=school_ids)}
    wanted: dict[tuple[int, str], CaregiverRow] = {(r.school.pk, r.ref): r for r in rows}
    new, changed = [], []
    for (school_pk, ref), r in wanted.items():
        c = existing.get((school_pk, ref))
        if c is None:
            new.append(
                Caregiver(
                    school=r.school, ref=ref, **dict(zip(PERSON_FIELDS, r.person, strict=True))
                )
            )
        elif tuple(getattr(c, f) for f in PERSON_FIELDS) != r.person:
            for f, v in zip(PERSON_FIELDS, r.person, strict=True):
                setattr(c, f, v)
            changed.append(c)
    Caregiver.objects.bulk_create(new, batch_size=2000)
    Caregiver.objects.bulk_update(changed, PERSON_FIELDS, batch_size=2000)
    caregivers = {
        (c.school_id, c.ref): c for c in Caregiver.objects.filter(school_id__in=school_ids)
    }
    existing_links = {
        (link.student_id, link.caregiver_id): link
        for link in StudentCaregiver.objects.filter(caregiver__school_id__in=school_ids)
    }
    new_links, changed_links = [], []
    for r in rows:
        caregiver = caregivers[r.school.pk, r.ref]
        values = (r.relationship, r.lives_with_student, r.parental_responsibility)
        link = existing_links.get((r.student_pk, caregiver.pk))
        if link is None:
            new_links.append(
                StudentCaregiver(
                    student_id=r.student_pk,
                    caregiver=caregiver,
                    relationship=values[0],
                    lives_with_student=values[1],
                    parental_responsibility=values[2],
                )
            )
        elif (link.relationship, link.lives_with_student, link.parental_responsibility) != values:
            link.relationship, link.lives_with_student, link.parental_responsibility = values
            changed_links.append(link)
    StudentCaregiver.objects.bulk_create(new_links, batch_size=2000)
    StudentCaregiver.objects.bulk_update(
        changed_links,
        ["relationship", "lives_with_student", "parental_responsibility"],
        batch_size=2000,
    )
    detail = {
        "caregivers added": len(new),
        "caregivers updated": len(changed),
        "links added": len(new_links),
        "links updated": len(changed_links),
    }
    return Applied(
        len(rows),
        sum(detail.values()),
        {k: v for k, v in detail.items() if v},
        schools={r.school.pk for r in rows},
    )
