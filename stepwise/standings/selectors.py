"""Read a school's register into the engine's arrays and evaluate it."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.utils import timezone

from stepwise.register.models import RegisterTerm
from stepwise.rules.calendar import Calendar
from stepwise.rules.engine import Standings, evaluate
from stepwise.schools.calendars import calendar_terms, school_calendar
from stepwise.schools.models import Enrolment, School, Term


@dataclass(frozen=True)
class StudentInfo:
    pk: int
    national_id: str
    given_name: str
    family_name: str
    year_level: int
    enrolled_from: date
    enrolled_to: date | None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class TermRegister:
    """A school's students in one term, their marks over the calendar, and their standings."""

    school: School
    term: Term
    calendar: Calendar
    students: list[StudentInfo]
    marks: np.ndarray
    standings: Standings

    def index_of(self, student_pk: int) -> int:
        for i, s in enumerate(self.students):
            if s.pk == student_pk:
                return i
        raise KeyError(student_pk)

    def rows(self) -> list[dict[str, Any]]:
        return [{"student": s, **self.standings.row(i)} for i, s in enumerate(self.students)]


def term_students(school: School, term: Term, student_pks: list[int] | None = None) -> list[StudentInfo]:
    """Return the students enrolled at the school at any time during the term."""
    enrolments = Enrolment.objects.filter(school=school, enrolled_from__lte=term.end).exclude(
        enrolled_to__lt=term.start
    )
    if student_pks is not None:
        enrolments = enrolments.filter(student_id__in=student_pks)
    return [
        StudentInfo(*row)
        for row in enrolments.order_by("student__family_name", "student__given_name").values_list(
            "student_id", "student__national_id", "student__given_name", "student__family_name",
            "year_level", "enrolled_from", "enrolled_to",
        )
    ]  # fmt: skip


def term_register(
    school: School, term: Term, *, as_of: date | None = None, student_pks: list[int] | None = None
) -> TermRegister:
    """Return the term's register for the school (or some of its students), evaluated."""
    as_of = as_of or timezone.localdate()
    terms = calendar_terms(school, term)
    calendar = school_calendar(school, terms)
    students = term_students(school, term, student_pks)
    row_of = {s.pk: i for i, s in enumerate(students)}
    marks = np.zeros((len(students), calendar.width), dtype=np.uint8)
    slices = {t.pk: calendar.slots(t.key) for t in terms}
    stored = RegisterTerm.objects.filter(term__in=terms)
    if student_pks is not None:
        stored = stored.filter(student_id__in=student_pks)
    for student_pk, term_pk, blob in stored.values_list("student_id", "term_id", "marks"):
        i = row_of.get(student_pk)
        if i is not None:
            marks[i, slices[term_pk]] = np.frombuffer(blob, dtype=np.uint8)
    days = calendar.days
    first = np.searchsorted(days, np.array([s.enrolled_from for s in students], dtype="datetime64[D]"))
    ends = np.array(
        [s.enrolled_to or date.max.replace(year=9999) for s in students], dtype="datetime64[D]"
    )
    last = np.searchsorted(days, ends, side="right") - 1
    standings = evaluate(
        school.rules, calendar, marks, term=term.key, as_of=as_of, enrolled=(first, last)
    )
    return TermRegister(school, term, calendar, students, marks, standings)


def current_term(school: School, today: date | None = None) -> Term | None:
    """Return the term in progress, else the latest that has started, else the first."""
    today = today or timezone.localdate()
    terms = list(school.terms.all())
    started = [t for t in terms if t.start <= today]
    return started[-1] if started else (terms[0] if terms else None)
