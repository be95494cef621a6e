"""Read registers into the engine's arrays and evaluate them.

Schools that share a calendar (same pack, term dates and closures: most schools in
a country) are evaluated together in one engine call, so evaluating a whole
country costs a few queries and one pass of the engine, not one per school.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.utils import timezone

from stepwise.register.models import RegisterTerm
from stepwise.rules.calendar import Calendar
from stepwise.rules.engine import Standings, evaluate
from stepwise.rules.pack import Pack
from stepwise.schools.calendars import build_calendar
from stepwise.schools.models import ClosureDay, Enrolment, School, Term


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
class Evaluated:
    """Students of one or more schools in a term, marks over their shared calendar, evaluated."""

    pack: Pack
    calendar: Calendar
    terms: list[Term]  # the evaluated term of each school in the group
    term_of_row: np.ndarray  # index into `terms`, per row
    students: list[StudentInfo]
    marks: np.ndarray
    standings: Standings

    def rows(self) -> list[dict[str, Any]]:
        return [{"student": s, **self.standings.row(i)} for i, s in enumerate(self.students)]


@dataclass
class TermRegister(Evaluated):
    """One school's students in one term."""

    school: School | None = None
    term: Term | None = None

    def index_of(self, student_pk: int) -> int:
        for i, s in enumerate(self.students):
            if s.pk == student_pk:
                return i
        raise KeyError(student_pk)


def _calendar_terms(all_terms: list[Term], term: Term) -> list[Term]:
    # The evaluated term's school year and the one before it, for rolling windows
    # that reach back across a year break.
    return [t for t in all_terms if t.year in (term.year - 1, term.year) and t.start <= term.end]


def evaluate_terms(
    terms: list[Term], *, as_of: date | None = None, student_pks: list[int] | None = None
) -> list[Evaluated]:
    """Evaluate each school's term, grouping schools that share a calendar."""
    as_of = as_of or timezone.localdate()
    school_pks = {t.school_id for t in terms}
    schools = School.objects.in_bulk(school_pks)
    all_terms: dict[int, list[Term]] = defaultdict(list)
    for t in Term.objects.filter(school_id__in=school_pks).order_by("start"):
        all_terms[t.school_id].append(t)
    closures: dict[int, set[date]] = defaultdict(set)
    for school_pk, day in ClosureDay.objects.filter(school_id__in=school_pks).values_list(
        "school_id", "date"
    ):
        closures[school_pk].add(day)

    groups: dict[tuple, list[Term]] = defaultdict(list)
    calendars: dict[tuple, list[Term]] = {}
    for term in terms:
        school = schools[term.school_id]
        cal_terms = _calendar_terms(all_terms[term.school_id], term)
        first, last = cal_terms[0].start, cal_terms[-1].end
        signature = (
            school.pack,
            term.key,
            tuple((t.key, t.start, t.end) for t in cal_terms),
            frozenset(d for d in closures[term.school_id] if first <= d <= last),
        )
        groups[signature].append(term)
        calendars[signature] = cal_terms
    return [
        _evaluate_group(
            schools[members[0].school_id].rules,
            members,
            {t.school_id: _calendar_terms(all_terms[t.school_id], t) for t in members},
            build_calendar(schools[members[0].school_id].rules, calendars[signature], signature[3]),
            as_of,
            student_pks,
        )
        for signature, members in groups.items()
    ]


def _evaluate_group(
    pack: Pack,
    members: list[Term],
    cal_terms: dict[int, list[Term]],
    calendar: Calendar,
    as_of: date,
    student_pks: list[int] | None,
) -> Evaluated:
    term_index = {t.school_id: i for i, t in enumerate(members)}
    target = members[0]
    enrolments = Enrolment.objects.filter(
        school_id__in=term_index, enrolled_from__lte=target.end
    ).exclude(enrolled_to__lt=target.start)
    if student_pks is not None:
        enrolments = enrolments.filter(student_id__in=student_pks)
    found = enrolments.order_by(
        "school_id", "student__family_name", "student__given_name", "student_id"
    ).values_list(
        "school_id",
        "student_id",
        "student__national_id",
        "student__given_name",
        "student__family_name",
        "year_level",
        "enrolled_from",
        "enrolled_to",
    )
    students, schools_of_rows = [], []
    for school_pk, *info in found:
        students.append(StudentInfo(*info))
        schools_of_rows.append(term_index[school_pk])
    row_of = {
        (members[s].school_id, st.pk): i
        for i, (s, st) in enumerate(zip(schools_of_rows, students, strict=True))
    }
    marks = np.zeros((len(students), calendar.width), dtype=np.uint8)
    slot_of_term: dict[int, tuple[int, slice]] = {}
    for school_pk, terms in cal_terms.items():
        for t in terms:
            slot_of_term[t.pk] = (school_pk, calendar.slots(t.key))
    stored = RegisterTerm.objects.filter(term_id__in=slot_of_term)
    if student_pks is not None:
        stored = stored.filter(student_id__in=student_pks)
    for student_pk, term_pk, blob in stored.values_list("student_id", "term_id", "marks").iterator(
        chunk_size=20_000
    ):
        school_pk, slots = slot_of_term[term_pk]
        i = row_of.get((school_pk, student_pk))
        if i is not None:
            marks[i, slots] = np.frombuffer(blob, dtype=np.uint8)
    days = calendar.days
    first = np.searchsorted(
        days, np.array([s.enrolled_from for s in students], dtype="datetime64[D]")
    )
    ends = np.array([s.enrolled_to or date(9999, 12, 31) for s in students], dtype="datetime64[D]")
    last = np.searchsorted(days, ends, side="right") - 1
    standings = evaluate(
        pack, calendar, marks, term=target.key, as_of=as_of, enrolled=(first, last)
    )
    return Evaluated(
        pack,
        calendar,
        members,
        np.array(schools_of_rows, dtype=np.int32),
        students,
        marks,
        standings,
    )


def term_register(
    school: School, term: Term, *, as_of: date | None = None, student_pks: list[int] | None = None
) -> TermRegister:
    """Return one school's register for a term (or some of its students), evaluated."""
    (group,) = evaluate_terms([term], as_of=as_of, student_pks=student_pks)
    return TermRegister(**vars(group), school=school, term=term)


def current_term(school: School, today: date | None = None) -> Term | None:
    """Return the term in progress, else the latest that has started, else the first."""
    today = today or timezone.localdate()
    terms = list(school.terms.all())
    started = [t for t in terms if t.start <= today]
    return started[-1] if started else (terms[0] if terms else None)
