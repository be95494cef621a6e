"""Import register marks: one row per student, day and session.

The file is checked whole before anything is written. Marks are merged into each
student's term row; a mark that replaces an earlier, different mark is kept in
the amendment log; a mark that is already there changes nothing, so importing
the same file twice is harmless.

A national day is 1.66 million rows, so the row loop does only dictionary look-ups
and appends; dates are compared as ISO text, and the merge works on arrays.
"""

import csv
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db import connection
from django.utils import timezone

from stepwise.register.csvfile import Problems, is_blank, open_reader, parse_date
from stepwise.register.importers import Applied, ImportResult, run_import
from stepwise.register.models import Amendment, ImportRun, RegisterTerm
from stepwise.register.selectors import register_rows
from stepwise.rules.calendar import SESSIONS
from stepwise.schools.calendars import closures_with_holidays
from stepwise.schools.models import ClosureDay, School, Term
from stepwise.standings.services import terms_evaluate

HEADER = ("school_id", "student_id", "date", "session", "code")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SESSION_INDEX = {s: i for i, s in enumerate(SESSIONS)}
PROGRESS_EVERY = 100_000
OPEN_END = "9999-12-31"


@dataclass
class SchoolContext:
    """What checking one school's rows needs, loaded once per import."""

    school: School
    codes: dict[str, int]
    names: tuple[str, ...]  # code letters by index, for the amendment log
    terms: list[Term]
    closed: dict[date, str]
    students: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # pk, from, to
    days: dict[str, tuple[int, int] | str] = field(default_factory=dict)

    def day(self, text: str, today: str) -> tuple[int, int] | str:
        """Return (term id, the day's first slot), or why the date cannot take marks."""
        day = parse_date(text)
        if day is None or day.isoformat() != text:
            return f"{text!r} is not a date (use YYYY-MM-DD)"
        if text > today:
            return f"{text} is in the future"
        if day.weekday() >= 5:
            return f"{text} is a {WEEKDAY_NAMES[day.weekday()]}"
        if day in self.closed:
            return f"{text} is a closure day at {self.school.code} ({self.closed[day]})"
        for term in self.terms:
            if term.contains(day):
                return term.pk, term.dates.slot(day, "AM")
        return f"{text} is not in any term of {self.school.code}"


@dataclass
class Parsed:
    student: np.ndarray
    term: np.ndarray
    slot: np.ndarray
    code: np.ndarray
    line: np.ndarray
    term_school: dict[int, SchoolContext]


def import_register(
    data: bytes,
    *,
    file_name: str,
    user=None,
    progress: Callable[[int], None] | None = None,
    evaluate: bool = False,
) -> ImportResult:
    """Merge a register file's marks into the store, all or nothing.

    With `evaluate`, the terms it changed are re-evaluated in the same transaction,
    so a crash can never leave new marks without their threshold events.
    """

    def apply(run: ImportRun) -> Applied:
        applied = _apply(run, _parse(data, file_name, progress))
        if evaluate and applied.affected:
            terms = list(Term.objects.filter(pk__in={t for _, t in applied.affected}))
            applied.evaluation = terms_evaluate(terms=terms)
        return applied

    return run_import(
        kind=ImportRun.Kind.REGISTER, data=data, file_name=file_name, user=user, apply=apply
    )


def _contexts(data: bytes) -> dict[str, SchoolContext]:
    # One pass over the first column finds the schools, so each school's roster and
    # calendar is loaded with a few queries in all instead of some per school.
    codes = {
        line.split(b",", 1)[0].strip().decode("utf-8", "replace") for line in data.splitlines()[1:]
    }
    schools = {s.code: s for s in School.objects.filter(code__in=codes)}
    by_pk = {s.pk: s for s in schools.values()}
    terms: dict[int, list[Term]] = defaultdict(list)
    for term in Term.objects.filter(school_id__in=by_pk):
        terms[term.school_id].append(term)
    closures: dict[int, dict[date, str]] = defaultdict(dict)
    for school_pk, day, reason in ClosureDay.objects.filter(school_id__in=by_pk).values_list(
        "school_id", "date", "reason"
    ):
        closures[school_pk][day] = reason
    contexts = {}
    for code, school in schools.items():
        pack = school.rules
        closed = closures_with_holidays(pack, terms[school.pk], closures[school.pk])
        contexts[code] = SchoolContext(
            school=school,
            codes=pack.code_index,
            names=("", *(c.code for c in pack.codes)),
            terms=terms[school.pk],
            closed=closed,
        )
    contexts_by_pk = {c.school.pk: c for c in contexts.values()}
    with connection.cursor() as cursor:
        for i in range(0, len(by_pk), 500):
            pks = ",".join(str(pk) for pk in list(by_pk)[i : i + 500])
            cursor.execute(
                "SELECT e.school_id, s.national_id, s.id, CAST(e.enrolled_from AS TEXT), "
                "CAST(e.enrolled_to AS TEXT) FROM schools_enrolment e "
                f"JOIN schools_student s ON s.id = e.student_id WHERE e.school_id IN ({pks})"
            )
            for school_pk, national_id, student_pk, start, end in cursor.fetchall():
                contexts_by_pk[school_pk].students[national_id] = (
                    student_pk,
                    start,
                    end or OPEN_END,
                )
    return contexts


def _parse(data: bytes, file_name: str, progress: Callable[[int], None] | None) -> Parsed:
    problems = Problems(file_name)
    reader = open_reader(data, header=HEADER, problems=problems)
    contexts = _contexts(data)
    today = timezone.localdate().isoformat()
    students: list[int] = []
    terms: list[int] = []
    slots: list[int] = []
    codes: list[int] = []
    lines: list[int] = []
    term_school: dict[int, SchoolContext] = {}
    count = 0
    try:
        for fields in reader:
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            if len(fields) != 5:
                if not is_blank(fields):
                    problems.add(reader.line_num, "", f"expected 5 fields, found {len(fields)}")
                continue
            school_id, student_id, day_text, session, code = fields
            ctx = contexts.get(school_id)
            if ctx is None:
                problems.add(reader.line_num, "school_id", f"unknown school {school_id!r}")
                continue
            student = ctx.students.get(student_id)
            day = ctx.days.get(day_text)
            if day is None:
                day = ctx.days[day_text] = ctx.day(day_text, today)
            offset = SESSION_INDEX.get(session)
            code_index = ctx.codes.get(code)
            if (
                student is None
                or isinstance(day, str)
                or offset is None
                or code_index is None
                or not student[1] <= day_text <= student[2]
            ):
                _explain(problems, reader.line_num, ctx, fields, student, day, offset, code_index)
                continue
            if problems:
                continue  # the file is rejected anyway: keep checking, stop collecting
            term_school[day[0]] = ctx
            students.append(student[0])
            terms.append(day[0])
            slots.append(day[1] + offset)
            codes.append(code_index)
            lines.append(reader.line_num)
    except csv.Error as e:
        problems.add(reader.line_num, "", f"this is not readable CSV ({e})")
    if progress:
        progress(count % PROGRESS_EVERY)
    problems.raise_if_any()
    parsed = Parsed(
        np.array(students, dtype=np.int64),
        np.array(terms, dtype=np.int64),
        np.array(slots, dtype=np.int32),
        np.array(codes, dtype=np.uint8),
        np.array(lines, dtype=np.int64),
        term_school,
    )
    return _without_repeats(parsed, problems)


def _explain(problems, line, ctx, fields, student, day, offset, code_index) -> None:
    """Add a problem for each thing wrong with a row that failed the quick check."""
    _, student_id, day_text, session, code = fields
    if student is None:
        problems.add(line, "student_id", f"{student_id!r} is not on {ctx.school.code}'s roster")
    if isinstance(day, str):
        problems.add(line, "date", day)
    elif student is not None and not student[1] <= day_text <= student[2]:
        problems.add(
            line, "date", f"{student_id} was not enrolled at {ctx.school.code} on {day_text}"
        )
    if offset is None:
        problems.add(line, "session", f"{session!r} must be AM or PM")
    if code_index is None:
        problems.add(
            line, "code", f"{code!r} is not a code of the {ctx.school.rules.name} rule pack"
        )


def _without_repeats(p: Parsed, problems: Problems) -> Parsed:
    """Drop marks given twice with the same code; refuse marks given twice with different ones."""
    order = np.lexsort((p.line, p.slot, p.term, p.student))
    s, t, sl, c = p.student[order], p.term[order], p.slot[order], p.code[order]
    same = (s[1:] == s[:-1]) & (t[1:] == t[:-1]) & (sl[1:] == sl[:-1])
    for i in np.flatnonzero(same & (c[1:] != c[:-1])):
        first, later = order[i], order[i + 1]
        ctx = p.term_school[int(t[i])]
        names = ctx.names
        problems.add(
            int(p.line[later]),
            "code",
            f"this session is marked {names[c[i + 1]]} here but {names[c[i]]} on line "
            f"{int(p.line[first])}",
        )
    problems.raise_if_any()
    keep = order[np.concatenate([[True], ~same])] if len(order) else order
    return Parsed(
        p.student[keep], p.term[keep], p.slot[keep], p.code[keep], p.line[keep], p.term_school
    )


def _existing_rows(term_pks: list[int]) -> dict[tuple[int, int], tuple[int, bytes]]:
    return {(student, term): (pk, blob) for pk, student, term, blob in register_rows(term_pks)}


def _apply(run: ImportRun, p: Parsed) -> Applied:
    term_objects = {
        t.pk: t for ctx in p.term_school.values() for t in ctx.terms if t.pk in p.term_school
    }
    existing = _existing_rows(list(term_objects))
    widths = {pk: t.dates.width for pk, t in term_objects.items()}
    # The marks are sorted by student and term, so each register row's marks are a run.
    student, term = p.student.tolist(), p.term.tolist()
    slot, code = p.slot.tolist(), p.code.tolist()
    new_row = np.concatenate(
        [[True], (p.student[1:] != p.student[:-1]) | (p.term[1:] != p.term[:-1])]
    )
    starts = [*np.flatnonzero(new_row[: len(student)]).tolist(), len(student)]
    inserts: list[RegisterTerm] = []
    updates: list[tuple[bytes, int]] = []
    amendments: list[tuple[int, int, int, int]] = []  # row id, slot, old, new
    new_marks = 0
    changed_terms: set[int] = set()
    for lo, hi in itertools.pairwise(starts):
        key = (student[lo], term[lo])
        found = existing.get(key)
        blob = bytearray(found[1]) if found else bytearray(widths[key[1]])
        changed = False
        for j in range(lo, hi):
            old, new = blob[slot[j]], code[j]
            if old == new:
                continue
            if old:
                amendments.append((found[0] if found else 0, slot[j], old, new))
            else:
                new_marks += 1
            blob[slot[j]] = new
            changed = True
        if not changed:
            continue
        changed_terms.add(key[1])
        if found:
            updates.append((bytes(blob), found[0]))
        else:
            inserts.append(RegisterTerm(student_id=key[0], term_id=key[1], marks=bytes(blob)))
    RegisterTerm.objects.bulk_create(inserts, batch_size=2000)
    _bulk_set_marks(updates)
    _log_amendments(run, amendments, p)
    return Applied(
        rows=len(student),
        changed=new_marks + len(amendments),
        detail={"new marks": new_marks, "amended marks": len(amendments)},
        affected={(p.term_school[t].school.pk, t) for t in changed_terms},
    )


def _log_amendments(run: ImportRun, amendments: list[tuple[int, int, int, int]], p: Parsed) -> None:
    if not amendments:
        return
    # Every school in one import may follow a different pack: name codes by their row's pack.
    names_of_row = {}
    row_ids = {a[0] for a in amendments}
    for row_id, term_pk in RegisterTerm.objects.filter(pk__in=row_ids).values_list("id", "term_id"):
        names_of_row[row_id] = p.term_school[term_pk].names
    now = timezone.now()
    Amendment.objects.bulk_create(
        [
            Amendment(
                register_id=row_id,
                slot=slot,
                old_code=names_of_row[row_id][old],
                new_code=names_of_row[row_id][new],
                import_run=run,
                recorded_at=now,
            )
            for row_id, slot, old, new in amendments
        ],
        batch_size=5000,
    )


def _bulk_set_marks(updates: list[tuple[bytes, int]]) -> None:
    """Write many register rows' bytes at once, the fastest way each database allows."""
    if not updates:
        return
    table = RegisterTerm._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMP TABLE new_marks (marks bytea, id bigint) ON COMMIT DROP")
            with cursor.cursor.copy("COPY new_marks (marks, id) FROM STDIN") as copy:
                for row in updates:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} r SET marks = n.marks FROM new_marks n WHERE r.id = n.id"
            )
            cursor.execute("DROP TABLE new_marks")
        else:
            cursor.executemany(f"UPDATE {table} SET marks = %s WHERE id = %s", updates)
