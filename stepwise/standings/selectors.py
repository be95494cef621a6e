"""Read registers into the engine's arrays and evaluate them.

Schools that share a calendar (same pack, term dates and closures: most schools in
a country) are evaluated together in one engine call, so evaluating a whole
country costs a few queries and one pass of the engine, not one per school.

The standings page is the page every officer opens first: `term_rows` keeps a
school's evaluated rows in the shared cache under the register's version, so the
engine runs once per change of the register, not once per view.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from stepwise.register.selectors import TermRows, ids_in, is_most_schools, register_terms
from stepwise.rules.calendar import Calendar
from stepwise.rules.engine import Standings, evaluate
from stepwise.rules.pack import Pack
from stepwise.schools.calendars import build_calendar
from stepwise.schools.models import ClosureDay, Enrolment, School, Student, Term
from stepwise.schools.selectors import EnrolmentRows

OPEN_END = np.datetime64("9999-12-31")  # the last day of an enrolment with no end
ROWS_CACHE_SECONDS = 6 * 60 * 60


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
    student_pk: np.ndarray  # per row
    year_level: np.ndarray  # per row
    enrolled_from: np.ndarray  # datetime64[D], per row
    enrolled_to: np.ndarray  # datetime64[D], NaT for no end, per row
    marks: np.ndarray
    standings: Standings

    @cached_property
    def enrolment(self) -> list[tuple[int, str, str | None]]:
        """Return each row's year level and enrolled from and to (ISO; None for no end)."""
        ends = np.datetime_as_string(self.enrolled_to).tolist()
        return list(
            zip(
                self.year_level.tolist(),
                np.datetime_as_string(self.enrolled_from).tolist(),
                [None if e == "NaT" else e for e in ends],
                strict=True,
            )
        )

    @cached_property
    def students(self) -> list[StudentInfo]:
        """Return each row's student, with names (one query; evaluation never needs them)."""
        pks = self.student_pk.tolist()
        names: dict[int, tuple[str, str, str]] = {}
        for i in range(0, len(pks), 5000):
            for pk, national_id, given, family in Student.objects.filter(
                pk__in=pks[i : i + 5000]
            ).values_list("pk", "national_id", "given_name", "family_name"):
                names[pk] = (national_id, given, family)
        return [
            StudentInfo(pk, *names[pk], level, date.fromisoformat(start),
                        date.fromisoformat(end) if end else None)
            for pk, (level, start, end) in zip(pks, self.enrolment, strict=True)
        ]  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        return [{"student": s, **self.standings.row(i)} for i, s in enumerate(self.students)]


@dataclass
class TermRegister(Evaluated):
    """One school's students in one term."""

    school: School | None = None
    term: Term | None = None

    def index_of(self, student_pk: int) -> int:
        found = np.flatnonzero(self.student_pk == student_pk)
        if not len(found):
            raise KeyError(student_pk)
        return int(found[0])


def _calendar_terms(all_terms: list[Term], term: Term) -> list[Term]:
    # The evaluated term's school year and the one before it, for rolling windows
    # that reach back across a year break.
    return [t for t in all_terms if t.year in (term.year - 1, term.year) and t.start <= term.end]


def _counts_within_term(pack: Pack) -> bool:
    """Return whether every threshold and rate of the pack counts within the term alone."""
    windows = [t.window for t in pack.thresholds] + [r.window for r in pack.rates]
    return all(window == "term" for window in windows)


def evaluate_terms(
    terms: list[Term],
    *,
    as_of: date | None = None,
    student_pks: list[int] | None = None,
    registers: dict[int, TermRows] | None = None,
    enrolments: EnrolmentRows | None = None,
    term_only: bool = False,
) -> list[Evaluated]:
    """Evaluate each school's term, grouping schools that share a calendar.

    Terms in `registers` are evaluated from the rows given there, and the students of
    schools whose enrolments are all in `enrolments` from those: neither is read again.

    With `term_only`, a school whose pack counts everything within the term (no
    rolling window, no year-to-date rate) is evaluated over that term's calendar
    alone: its standings are the same, without reading or holding the marks of the
    rest of the year (for New Zealand's Term 4, three times as many).
    """
    as_of = as_of or timezone.localdate()
    school_pks = {t.school_id for t in terms}
    schools = School.objects.in_bulk(school_pks)
    all_terms: dict[int, list[Term]] = defaultdict(list)
    for t in Term.objects.filter(school_id__in=school_pks).order_by("start"):
        all_terms[t.school_id].append(t)
    closures: dict[int, set[date]] = defaultdict(set)
    halves: dict[int, set[tuple[date, str]]] = defaultdict(set)
    for school_pk, day, session in ClosureDay.objects.filter(school_id__in=school_pks).values_list(
        "school_id", "date", "session"
    ):
        if session:
            halves[school_pk].add((day, session))
        else:
            closures[school_pk].add(day)

    groups: dict[tuple, list[Term]] = defaultdict(list)
    calendars: dict[tuple, list[Term]] = {}
    cal_terms_of: dict[int, list[Term]] = {}
    for term in terms:
        school = schools[term.school_id]
        if term_only and _counts_within_term(school.rules):
            cal_terms = [term]
        else:
            cal_terms = _calendar_terms(all_terms[term.school_id], term)
        cal_terms_of[term.pk] = cal_terms
        first, last = cal_terms[0].start, cal_terms[-1].end
        signature = (
            school.pack,
            term.key,
            tuple((t.key, t.start, t.end) for t in cal_terms),
            frozenset(d for d in closures[term.school_id] if first <= d <= last),
            frozenset(h for h in halves[term.school_id] if first <= h[0] <= last),
        )
        groups[signature].append(term)
        calendars[signature] = cal_terms
    return [
        _evaluate_group(
            schools[members[0].school_id].rules,
            members,
            {t.school_id: cal_terms_of[t.pk] for t in members},
            build_calendar(
                schools[members[0].school_id].rules, calendars[signature], *signature[3:]
            ),
            as_of,
            student_pks,
            registers or {},
            enrolments,
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
    registers: dict[int, TermRows],
    given: EnrolmentRows | None,
) -> Evaluated:
    term_index = {t.school_id: i for i, t in enumerate(members)}
    target = members[0]
    most = student_pks is None and is_most_schools(len(term_index))
    if given is not None and student_pks is None and given.covers(term_index):
        found = given
    else:
        found = _enrolments(list(term_index), target, student_pks, most)
    # The group's schools' enrolments during the term, sorted by (school's place in
    # the group, student) so a stored term row's place can be found by binary search.
    # (Sorted here, not by the query: with no ORDER BY the database may read the
    # whole table in storage order, which for a whole country is several times
    # faster than following an index.)
    size = max(max(term_index, default=0), int(found.school.max(initial=0))) + 1
    place_of = np.full(size, -1, dtype=np.int64)
    place_of[list(term_index)] = list(term_index.values())
    place = place_of[found.school]
    keep = np.flatnonzero((place >= 0) & found.overlapping(target.start, target.end))
    row_key = place[keep] << 40 | found.student[keep]
    order = np.argsort(row_key, kind="stable")
    row_key = row_key[order]
    rows = found.select(keep[order])
    school_row = (row_key >> 40).astype(np.int32)
    student_pk = row_key & ((1 << 40) - 1)
    marks = np.zeros((len(row_key), calendar.width), dtype=np.uint8)
    slot_of_term = {
        t.pk: (term_index[school_pk], calendar.slots(t.key))
        for school_pk, terms in cal_terms.items()
        for t in terms
    }
    _fill_marks(marks, row_key, slot_of_term, student_pks, registers, most)
    first_days = np.searchsorted(calendar.days, rows.enrolled_from)
    ends = np.where(np.isnat(rows.enrolled_to), np.datetime64(OPEN_END), rows.enrolled_to)
    last_days = np.searchsorted(calendar.days, ends, side="right") - 1
    standings = evaluate(
        pack, calendar, marks, term=target.key, as_of=as_of, enrolled=(first_days, last_days)
    )
    return Evaluated(
        pack, calendar, members, school_row, student_pk, rows.year_level, rows.enrolled_from,
        rows.enrolled_to, marks, standings,
    )  # fmt: skip


def _enrolments(
    school_pks: list[int], term: Term, student_pks: list[int] | None, most: bool
) -> EnrolmentRows:
    """Read the schools' enrolments during the term (of the students asked for, if any)."""
    only = "" if student_pks is None else f" AND {ids_in('student_id', student_pks)}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT school_id, student_id, year_level, CAST(enrolled_from AS TEXT), "
            f"CAST(enrolled_to AS TEXT) FROM {Enrolment._meta.db_table} "
            f"WHERE {ids_in('school_id', school_pks, most=most)} AND enrolled_from <= %s "
            f"AND (enrolled_to IS NULL OR enrolled_to >= %s){only}",
            [term.end, term.start],
        )
        return EnrolmentRows.from_rows(frozenset(), cursor.fetchall())


def _fill_marks(
    marks: np.ndarray,
    row_key: np.ndarray,
    slot_of_term: dict[int, tuple[int, slice]],
    student_pks: list[int] | None,
    registers: dict[int, TermRows],
    most: bool,
) -> None:
    """Copy each term row's bytes into its place in the calendar-wide matrix."""
    unread = [t for t in slot_of_term if t not in registers]
    rows = register_terms(unread, student_pks=student_pks, most=most)
    rows.update((t, registers[t]) for t in slot_of_term if t in registers)
    # Schools sharing a calendar have their terms in the same slots: copy each such
    # term's rows of all the schools at once, not school by school.
    by_slots: dict[tuple[int, int], list[tuple[int, TermRows]]] = defaultdict(list)
    for term_pk, term_rows in rows.items():
        school_index, slots = slot_of_term[term_pk]
        by_slots[slots.start, slots.stop].append((school_index, term_rows))
    for (start, stop), terms in by_slots.items():
        keys = np.concatenate([np.int64(i) << 40 | r.students for i, r in terms])
        block = np.concatenate([r.marks for _, r in terms])
        at = np.searchsorted(row_key, keys)
        at = np.minimum(at, len(row_key) - 1) if len(row_key) else at
        known = (row_key[at] == keys) if len(row_key) else np.zeros(len(keys), dtype=bool)
        marks[at[known], start:stop] = block[known]


def term_register(
    school: School, term: Term, *, as_of: date | None = None, student_pks: list[int] | None = None
) -> TermRegister:
    """Return one school's register for a term (or some of its students), evaluated."""
    (group,) = evaluate_terms([term], as_of=as_of, student_pks=student_pks)
    return TermRegister(**vars(group), school=school, term=term)


def term_rows(school: School, term: Term, *, as_of: date, version: str) -> list[dict[str, Any]]:
    """Return every student's standing in the term up to `as_of`, from the cache when unchanged.

    `version` must change whenever the figures could: the register's version (imports,
    closures, term dates), which the view builds.
    """
    digest = hashlib.sha256(f"{school.pack}|{version}".encode()).hexdigest()[:20]
    key = f"standings:rows:{school.pk}:{term.pk}:{as_of.isoformat()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = term_register(school, term, as_of=as_of).rows()
        cache.set(key, found, ROWS_CACHE_SECONDS)
    return found


def current_term(school: School, today: date | None = None) -> Term | None:
    """Return the term in progress, else the latest that has started, else the first."""
    today = today or timezone.localdate()
    terms = list(school.terms.all())
    started = [t for t in terms if t.start <= today]
    return started[-1] if started else (terms[0] if terms else None)
