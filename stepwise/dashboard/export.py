"""The Ministry export: one zip per school per period, with two CSV files.

`attendance.csv` has one row per student per half-day the school was open in the
period (through today), `responses.csv` one row per response activity that
happened in the period. The columns are documented in docs/ministry-export.md.

Private notes (ResponseActivity.notes) and who did an activity are never read
here: the queries name every column they take.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO

from django.db.models import Q
from django.utils import timezone

from stepwise.register.models import RegisterTerm
from stepwise.responses.models import ResponseActivity
from stepwise.responses.timeliness import Deadlines
from stepwise.rules.calendar import SESSIONS
from stepwise.schools.calendars import closed_days, closed_sessions
from stepwise.schools.models import Enrolment, School
from stepwise.web.csvfiles import csv_writer

ATTENDANCE_FILE = "attendance.csv"
RESPONSES_FILE = "responses.csv"
ATTENDANCE_COLUMNS = (
    "school_id",
    "student_id",
    "date",
    "session",
    "code",
    "half_day",
    "truancy_class",
)
RESPONSE_COLUMNS = (
    "school_id",
    "student_id",
    "threshold",
    "threshold_label",
    "threshold_reached_on",
    "response_type",
    "response_type_label",
    "description",
    "happened_on",
    "recorded_on",
    "due_by",
    "answered_in_time",
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_DAYS = 366  # one export covers at most a year: a school year fits, a decade does not


class PeriodError(ValueError):
    """The period asked for is not a valid export period."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors  # field ("from" or "to") -> message


def _date(text: str | None, field: str, label: str, errors: dict[str, str]) -> date | None:
    text = (text or "").strip()
    if not text:
        errors[field] = f"Enter the {label} of the period"
        return None
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    errors[field] = f"The {label} must be a real date written as YYYY-MM-DD, like 2026-10-12"
    return None


def parse_period(first: str | None, last: str | None, *, today: date) -> tuple[date, date]:
    """Return the period from two YYYY-MM-DD texts, or raise PeriodError saying what is wrong."""
    errors: dict[str, str] = {}
    start = _date(first, "from", "first day", errors)
    end = _date(last, "to", "last day", errors)
    if start and start > today:
        errors["from"] = "The first day must be today or in the past"
    if start and end and not errors:
        if end < start:
            errors["to"] = "The last day must be the same as or after the first day"
        elif (end - start).days + 1 > MAX_DAYS:
            errors["to"] = f"The period can be at most {MAX_DAYS} days long"
    if errors:
        raise PeriodError(errors)
    assert start is not None and end is not None
    return start, end


def export_file_name(school: School, start: date, end: date) -> str:
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", school.code)
    return f"ministry-export-{code}-{start.isoformat()}-to-{end.isoformat()}.zip"


def attendance_rows(school: School, start: date, end: date, *, today: date) -> Iterator[list[str]]:
    """Yield one row per enrolled student per open half-day in the period, through today.

    Ordered by student_id, date and session. A half-day without a mark yet has an
    empty code, so a gap in the register shows as a gap, not as a guess.
    """
    end = min(end, today)
    terms = list(school.terms.filter(start__lte=end, end__gte=start).order_by("start"))
    if end < start or not terms:
        return
    codes = {c.index: c for c in school.rules.codes}
    closed = closed_days(school, terms)
    halves = closed_sessions(school, terms)
    open_days = []  # per term: (term id, [(day, ISO day, the day's morning slot)])
    for term in terms:
        days = []
        day, last = max(start, term.start), min(end, term.end)
        while day <= last:
            if day.weekday() < 5 and day not in closed:
                days.append((day, day.isoformat(), term.dates.slot(day, "AM")))
            day += timedelta(days=1)
        open_days.append((term.pk, days))
    marks = {
        (term_pk, student_pk): bytes(blob)
        for term_pk, student_pk, blob in RegisterTerm.objects.filter(term__in=terms)
        .values_list("term_id", "student_id", "marks")
        .iterator(chunk_size=2000)
    }
    enrolments = (
        Enrolment.objects.filter(school=school, enrolled_from__lte=end)
        .filter(Q(enrolled_to__isnull=True) | Q(enrolled_to__gte=start))
        .order_by("student__national_id")
        .values_list("student_id", "student__national_id", "enrolled_from", "enrolled_to")
    )
    for student_pk, national_id, enrolled_from, enrolled_to in enrolments:
        for term_pk, days in open_days:
            row = marks.get((term_pk, student_pk), b"")
            for day, iso, slot in days:
                if day < enrolled_from or (enrolled_to is not None and day > enrolled_to):
                    continue
                for k, session in enumerate(SESSIONS):
                    if (day, session) in halves:
                        continue  # a half day's closed session was never possible
                    code = codes.get(row[slot + k]) if slot + k < len(row) else None
                    if code is None:
                        yield [school.code, national_id, iso, session, "", "", ""]
                    else:
                        yield [
                            school.code,
                            national_id,
                            iso,
                            session,
                            code.code,
                            code.half_day,
                            code.category,
                        ]


def response_rows(school: School, start: date, end: date) -> Iterator[list[str]]:
    """Yield one row per response activity that happened in the period (never its notes)."""
    pack = school.rules
    deadlines = Deadlines(school)
    type_labels = {t.key: t.label for t in pack.response_types}
    threshold_labels = {t.key: t.label for t in pack.thresholds}
    activities = (
        ResponseActivity.objects.effective()
        .filter(school=school, happened_on__range=(start, end))
        .order_by("happened_on", "student__national_id", "pk")
        .values_list(
            "student__national_id",
            "threshold_event__threshold",
            "threshold_event__reached_on",
            "response_type",
            "description_text",
            "happened_on",
            "recorded_at",
        )
    )
    for (
        national_id,
        threshold,
        reached_on,
        kind,
        description,
        happened_on,
        recorded_at,
    ) in activities:
        yield [
            school.code,
            national_id,
            threshold or "",
            threshold_labels.get(threshold, "") if threshold else "",
            reached_on.isoformat() if reached_on else "",
            kind,
            type_labels.get(kind, kind),
            description,
            happened_on.isoformat(),
            deadlines.recorded_on(recorded_at).isoformat(),
            # The one rule of every page: recorded by the threshold's due day.
            deadlines.due_on(reached_on).isoformat() if reached_on else "",
            _yes_no(deadlines.in_time(reached_on, recorded_at)),
        ]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


@dataclass(frozen=True)
class ExportCounts:
    attendance: int
    responses: int


def write_ministry_export(
    file: IO[bytes], *, school: School, start: date, end: date, today: date
) -> ExportCounts:
    """Write the school's export for the period to `file` as a zip; return the row counts."""
    stamp = timezone.localtime().timetuple()[:6]
    counts = {}
    with zipfile.ZipFile(file, "w") as archive:
        for name, columns, rows in (
            (ATTENDANCE_FILE, ATTENDANCE_COLUMNS, attendance_rows(school, start, end, today=today)),
            (RESPONSES_FILE, RESPONSE_COLUMNS, response_rows(school, start, end)),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with (
                archive.open(info, "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
            ):
                writer = csv_writer(text)
                writer.writerow(columns)
                n = 0
                for row in rows:
                    writer.writerow(row)
                    n += 1
            counts[name] = n
    return ExportCounts(attendance=counts[ATTENDANCE_FILE], responses=counts[RESPONSES_FILE])
