"""Import register marks: one row per student, day and session.

The file is checked whole before anything is written. Marks are merged into each
student's term row; a mark that replaces an earlier, different mark is kept in
the amendment log; a mark that is already there changes nothing, so importing
the same file twice is harmless.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.utils import timezone

from stepwise.register.csvfile import Problems, parse_date, read_rows
from stepwise.register.importers import Applied, ImportResult, run_import
from stepwise.register.models import Amendment, ImportRun, RegisterTerm
from stepwise.rules.calendar import SESSIONS
from stepwise.schools.calendars import closed_days
from stepwise.schools.models import School, Term

HEADER = ("school_id", "student_id", "date", "session", "code")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SESSION_INDEX = {s: i for i, s in enumerate(SESSIONS)}
PROGRESS_EVERY = 100_000

Marks = dict[tuple[int, int], dict[int, tuple[int, int]]]  # (student, term) -> slot -> (code, line)


@dataclass
class SchoolContext:
    """What checking one school's rows needs, loaded once per import."""

    school: School
    codes: dict[str, int]
    names: tuple[str, ...]  # code letters by index, for the amendment log
    terms: list[Term]
    closed: dict[date, str]
    students: dict[str, tuple[int, date, date | None]] = field(default_factory=dict)
    days: dict[str, tuple[int, int, date] | str] = field(default_factory=dict)

    def day(self, text: str, today: date) -> tuple[int, int, date] | str:
        """Return (term id, first slot of the day, date) or why the date cannot take marks."""
        found = self.days.get(text)
        if found is None:
            found = self.days[text] = self._day(text, today)
        return found

    def _day(self, text: str, today: date) -> tuple[int, int, date] | str:
        day = parse_date(text)
        if day is None:
            return f"{text!r} is not a date (use YYYY-MM-DD)"
        if day > today:
            return f"{text} is in the future"
        if day.weekday() >= 5:
            return f"{text} is a {WEEKDAY_NAMES[day.weekday()]}"
        if day in self.closed:
            return f"{text} is a closure day at {self.school.code} ({self.closed[day]})"
        for term in self.terms:
            if term.contains(day):
                return term.pk, term.dates.slot(day, "AM"), day
        return f"{text} is not in any term of {self.school.code}"


def import_register(
    data: bytes, *, file_name: str, user=None, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Merge a register file's marks into the store, all or nothing."""
    return run_import(
        kind=ImportRun.Kind.REGISTER,
        data=data,
        file_name=file_name,
        user=user,
        apply=lambda run: _apply(run, *_parse(data, file_name, progress)),
    )


def _contexts(data: bytes) -> dict[str, SchoolContext]:
    # One pass over the first column finds the schools, so each school's roster and
    # calendar is loaded with one query instead of one per row.
    codes = {
        line.split(b",", 1)[0].strip().decode("utf-8", "replace") for line in data.splitlines()[1:]
    }
    schools = {s.code: s for s in School.objects.filter(code__in=codes)}
    terms: dict[int, list[Term]] = defaultdict(list)
    for term in Term.objects.filter(school__in=schools.values()):
        terms[term.school_id].append(term)
    contexts = {}
    for code, school in schools.items():
        pack = school.rules
        contexts[code] = SchoolContext(
            school=school,
            codes=pack.code_index,
            names=("", *(c.code for c in pack.codes)),
            terms=terms[school.pk],
            closed=closed_days(school, terms[school.pk]),
        )
    by_pk = {c.school.pk: c for c in contexts.values()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.school_id, s.national_id, s.id, e.enrolled_from, e.enrolled_to "
            "FROM schools_enrolment e JOIN schools_student s ON s.id = e.student_id "
            f"WHERE e.school_id IN ({','.join(str(pk) for pk in by_pk) or 'NULL'})"
        )
        for school_pk, national_id, student_pk, start, end in cursor:
            by_pk[school_pk].students[national_id] = (student_pk, _date(start), _date(end))
    return contexts


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _parse(
    data: bytes, file_name: str, progress: Callable[[int], None] | None
) -> tuple[Marks, dict[int, SchoolContext]]:
    problems = Problems(file_name)
    contexts = _contexts(data) if data.strip() else {}
    today = timezone.localdate()
    marks: Marks = defaultdict(dict)
    term_school: dict[int, SchoolContext] = {}
    count = 0
    for line, fields in read_rows(data, header=HEADER, problems=problems):
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        school_id, student_id, day_text, session, code = fields
        ctx = contexts.get(school_id)
        if ctx is None:
            problems.add(line, "school_id", f"unknown school {school_id!r}")
            continue
        student = ctx.students.get(student_id)
        if student is None:
            problems.add(line, "student_id", f"{student_id!r} is not on {school_id}'s roster")
        day = ctx.day(day_text, today)
        if isinstance(day, str):
            problems.add(line, "date", day)
        elif student and (day[2] < student[1] or (student[2] and day[2] > student[2])):
            problems.add(
                line, "date", f"{student_id} was not enrolled at {school_id} on {day_text}"
            )
        slot_offset = SESSION_INDEX.get(session)
        if slot_offset is None:
            problems.add(line, "session", f"{session!r} must be AM or PM")
        code_index = ctx.codes.get(code)
        if code_index is None:
            problems.add(
                line, "code", f"{code!r} is not a code of the {ctx.school.rules.name} rule pack"
            )
        if problems or student is None or isinstance(day, str) or slot_offset is None:
            continue
        assert code_index is not None
        term_pk, first_slot, _ = day
        term_school[term_pk] = ctx
        slots = marks[student[0], term_pk]
        slot = first_slot + slot_offset
        earlier = slots.get(slot)
        if earlier is None:
            slots[slot] = (code_index, line)
        elif earlier[0] != code_index:
            problems.add(
                line,
                "code",
                f"{student_id} {day_text} {session} is {code} here but "
                f"{ctx.names[earlier[0]]} on line {earlier[1]}",
            )
    if progress:
        progress(count % PROGRESS_EVERY)
    problems.raise_if_any()
    return marks, term_school


def _apply(run: ImportRun, marks: Marks, term_school: dict[int, SchoolContext]) -> Applied:
    terms = {t.pk: t for ctx in term_school.values() for t in ctx.terms if t.pk in term_school}
    existing: dict[tuple[int, int], tuple[int, bytes]] = {}
    term_ids = list(terms)
    for i in range(0, len(term_ids), 500):
        rows = RegisterTerm.objects.filter(term_id__in=term_ids[i : i + 500])
        for pk, student_pk, term_pk, blob in rows.values_list(
            "id", "student_id", "term_id", "marks"
        ):
            existing[student_pk, term_pk] = (pk, bytes(blob))
    now = timezone.now()
    inserts: list[RegisterTerm] = []
    updates: list[tuple[int, bytes]] = []
    amendments: list[tuple[tuple[int, int], int, str, str]] = []
    new_marks = 0
    changed_terms: set[int] = set()
    for (student_pk, term_pk), slots in marks.items():
        found = existing.get((student_pk, term_pk))
        blob = bytearray(found[1]) if found else bytearray(terms[term_pk].dates.width)
        names = term_school[term_pk].names
        changed = False
        for slot, (code, _line) in slots.items():
            old = blob[slot]
            if old == code:
                continue
            if old:
                amendments.append(((student_pk, term_pk), slot, names[old], names[code]))
            else:
                new_marks += 1
            blob[slot] = code
            changed = True
        if not changed:
            continue
        changed_terms.add(term_pk)
        if found:
            updates.append((found[0], bytes(blob)))
        else:
            inserts.append(RegisterTerm(student_id=student_pk, term_id=term_pk, marks=bytes(blob)))
    RegisterTerm.objects.bulk_create(inserts, batch_size=2000)
    _bulk_set_marks(updates)
    if amendments:
        ids = {k: v[0] for k, v in existing.items()}
        Amendment.objects.bulk_create(
            [
                Amendment(
                    register_id=ids[key],
                    slot=slot,
                    old_code=old,
                    new_code=new,
                    import_run=run,
                    recorded_at=now,
                )
                for key, slot, old, new in amendments
            ],
            batch_size=5000,
        )
    return Applied(
        rows=sum(len(s) for s in marks.values()),
        changed=new_marks + len(amendments),
        detail={"new marks": new_marks, "amended marks": len(amendments)},
        affected={(term_school[t].school.pk, t) for t in changed_terms},
    )


def _bulk_set_marks(updates: list[tuple[int, bytes]]) -> None:
    """Write many register rows' bytes at once, the fastest way each database allows."""
    if not updates:
        return
    table = RegisterTerm._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMP TABLE new_marks (id bigint, marks bytea) ON COMMIT DROP")
            with cursor.cursor.copy("COPY new_marks (id, marks) FROM STDIN") as copy:
                for row in updates:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} r SET marks = n.marks FROM new_marks n WHERE r.id = n.id"
            )
            cursor.execute("DROP TABLE new_marks")
        else:
            cursor.executemany(
                f"UPDATE {table} SET marks = %s WHERE id = %s", [(m, pk) for pk, m in updates]
            )
