"""Change a school's calendar: its term dates and its closure days.

Each change is audited and re-evaluates the terms it touches in the same transaction,
so no threshold event outlives the calendar it was reached on. Marks already recorded
on a day being closed are listed and the change refused until the person says what
happens to them: they are kept on record, never counted while the day is closed.
A closure is of a whole day or of one session (a half day).
"""

import getpass
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import transaction

from stepwise.audit.models import AuditEvent
from stepwise.register.models import Amendment, RegisterTerm
from stepwise.rules.calendar import SESSIONS
from stepwise.rules.pack import default_terms
from stepwise.schools.models import ClosureDay, School, Term
from stepwise.schools.zones import school_today

from .services import EvaluationResult, terms_evaluate

SHOWN_MARKS = 5  # marks named in a refusal; the rest are counted


class CalendarChangeError(ValueError):
    """A calendar change that cannot be made as asked; `field` names what to correct."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RecordedMark:
    student: str  # the student's national id
    day: date
    session: str
    code: str


@dataclass
class CalendarChange:
    """What a change did: the terms re-evaluated and the threshold events it moved."""

    summary: str
    evaluation: EvaluationResult


def _audit(school: School, by, detail: str) -> None:
    AuditEvent.objects.create(
        user=by,
        username=by.get_username() if by is not None else f"command line ({getpass.getuser()})",
        organisation=school.organisation,
        action=AuditEvent.Action.CHANGE,
        object_type="calendar",
        object_id=school.code,
        detail=detail[:300],
    )


def _term(school: School, key: str) -> Term:
    for term in school.terms.all():
        if term.key == key:
            return term
    have = ", ".join(t.key for t in school.terms.all()) or "none"
    raise CalendarChangeError("term", f"{school.name} has no term {key!r} (it has: {have})")


def marks_on(school: School, day: date, sessions: tuple[str, ...] = SESSIONS) -> list[RecordedMark]:
    """Return every mark recorded at the school on a day's sessions."""
    term = next((t for t in school.terms.all() if t.contains(day)), None)
    if term is None or day.weekday() >= 5:
        return []
    names = ("", *(c.code for c in school.rules.codes))
    slots = [term.dates.slot(day, s) for s in sessions]
    found = []
    rows = RegisterTerm.objects.filter(term=term).select_related("student")
    for row in rows.order_by("student__national_id"):
        marks = bytes(row.marks)
        for session, slot in zip(sessions, slots, strict=True):
            if marks[slot]:
                found.append(
                    RecordedMark(row.student.national_id, day, session, names[marks[slot]])
                )
    return found


SESSION_WORDS = {"": "", "AM": "morning", "PM": "afternoon"}


def _when(day: date, session: str) -> str:
    """Return a day, or one session of it, as a change's message names it."""
    text = f"{day:%A %-d %B %Y}"
    return f"the {SESSION_WORDS[session]} of {text}" if session else text


def _marks_refusal(day: date, session: str, marks: list[RecordedMark]) -> str:
    shown = "; ".join(f"{m.student} {m.session} {m.code}" for m in marks[:SHOWN_MARKS])
    more = f" and {len(marks) - SHOWN_MARKS} more" if len(marks) > SHOWN_MARKS else ""
    what = _when(day, session)
    return (
        f"{what[0].upper()}{what[1:]} already has {len(marks)} recorded marks ({shown}{more}). "
        "Confirm that they are kept on record and not counted while the "
        f"{'session' if session else 'day'} is closed."
    )


def _session(session: str) -> str:
    if session not in SESSION_WORDS:
        raise CalendarChangeError("session", f"{session!r} is not a session (use AM or PM)")
    return session


@transaction.atomic
def day_close(
    *,
    school: School,
    day: date,
    reason: str,
    by=None,
    keep_marks: bool = False,
    session: str = "",
) -> CalendarChange:
    """Close the school on a weekday in term, or one session of it, and re-evaluate its term.

    Closing the other session of a half day closes the whole day.
    """
    session = _session(session)
    reason = reason.strip()
    if not reason:
        raise CalendarChangeError("reason", "Say why the school is closed (e.g. Training day)")
    if day.weekday() >= 5:
        raise CalendarChangeError("date", f"{day:%A %-d %B %Y} is never a school day")
    term = next((t for t in school.terms.all() if t.contains(day)), None)
    if term is None:
        raise CalendarChangeError("date", f"{day:%A %-d %B %Y} is not in any term of {school.name}")
    existing = ClosureDay.objects.filter(school=school, date=day).first()
    if existing is not None and (not existing.session or existing.session == session):
        raise CalendarChangeError(
            "date", f"{school.name} is already closed on {_when(day, existing.session)}"
        )
    closing: tuple[str, ...] = (session,) if session else SESSIONS
    if existing is not None:
        closing = tuple(s for s in SESSIONS if s != existing.session)
        existing.delete()  # a new row, so the register's version sees the change
        session = ""
    marks = marks_on(school, day, closing)
    if marks and not keep_marks:
        raise CalendarChangeError("keep_marks", _marks_refusal(day, session, marks))
    ClosureDay.objects.create(school=school, date=day, session=session, reason=reason)
    kept = f"; {len(marks)} recorded marks kept, not counted" if marks else ""
    what = f"{day.isoformat()} {session}".strip()
    _audit(school, by, f"Closed {what} ({term.key}): {reason}{kept}")
    return CalendarChange(
        f"{school.name} is closed on {_when(day, session)}: {reason}{kept}",
        terms_evaluate(terms=[term], as_of=school_today(school)),
    )


@transaction.atomic
def day_reopen(
    *, school: School, day: date, reason: str, by=None, session: str = ""
) -> CalendarChange:
    """Open the school again on a day it was closed, or one session of it; re-evaluate the term.

    Reopening one session of a closed day leaves the other closed, for the same reason.
    """
    session = _session(session)
    reason = reason.strip()
    if not reason:
        raise CalendarChangeError("reason", "Say why the day is a school day again")
    closure = ClosureDay.objects.filter(school=school, date=day).first()
    if closure is None or (session and closure.session not in ("", session)):
        raise CalendarChangeError(
            "date", f"{school.name} has no closure on {_when(day, session)} to remove"
        )
    closure.delete()
    if session and not closure.session:
        other = next(s for s in SESSIONS if s != session)
        ClosureDay.objects.create(school=school, date=day, session=other, reason=closure.reason)
    term = next((t for t in school.terms.all() if t.contains(day)), None)
    what = f"{day.isoformat()} {session or closure.session}".strip()
    _audit(school, by, f"Reopened {what} (was: {closure.reason}): {reason}")
    return CalendarChange(
        f"{school.name} is open on {_when(day, session or closure.session)} again",
        terms_evaluate(terms=[term], as_of=school_today(school)) if term else EvaluationResult(),
    )


def _allowed(school: School, term: Term, start: date, end: date) -> None:
    """Refuse dates outside the jurisdiction's range for the term, or over another term."""
    if end < start:
        raise CalendarChangeError("end", f"the term cannot end ({end}) before it starts ({start})")
    pack = school.rules
    usual = next((t for t in default_terms(pack, term.year) if t.number == term.number), None)
    fixed = not pack.calendar.schools_set_dates
    if usual is not None:
        for name, value, default, allowed in (
            ("start", start, usual.start, usual.start_range),
            ("end", end, usual.end, usual.end_range),
        ):
            lo, hi = allowed or ((default, default) if fixed else (date.min, date.max))
            if not lo <= value <= hi:
                which = f"{term.name} {name}s"
                raise CalendarChangeError(
                    name,
                    f"{which} on {default:%-d %B %Y} in the {pack.name} calendar"
                    if lo == hi
                    else f"{which} between {lo:%-d %B %Y} and {hi:%-d %B %Y} in the "
                    f"{pack.name} calendar, not on {value:%-d %B %Y}",
                )
    for other in school.terms.exclude(pk=term.pk):
        if other.start <= end and start <= other.end:
            raise CalendarChangeError(
                "start", f"{start} to {end} overlaps {other.name} ({other.start} to {other.end})"
            )


def _weekdays(first: date, stop: date) -> int:
    """Return the weekdays from `first` up to `stop` (negative when `stop` comes first)."""
    return int(np.busday_count(first, stop))


@transaction.atomic
def term_set(*, school: School, key: str, start: date, end: date, by=None) -> CalendarChange:
    """Set a term's first and last day within the allowed range, moving its stored marks.

    A term's register row holds a byte per weekday session from its first day, so each
    row is re-cut to the new dates (and amendments' slots moved with it); a mark that
    would fall outside the new dates refuses the change.
    """
    term = _term(school, key)
    _allowed(school, term, start, end)
    old_start, old_end = term.start, term.end
    shift = 2 * _weekdays(start, old_start)  # new slot = old slot + shift
    width = 2 * int(np.busday_count(start, end + timedelta(days=1)))
    rows = list(RegisterTerm.objects.filter(term=term).select_related("student"))
    for row in rows:
        old = np.frombuffer(bytes(row.marks), dtype=np.uint8)
        at = np.arange(len(old)) + shift
        outside = (old != 0) & ((at < 0) | (at >= width))
        if outside.any():
            slot = int(np.flatnonzero(outside)[0])
            day = np.busday_offset(old_start, slot // 2, roll="forward").astype(date)
            raise CalendarChangeError(
                "start" if at[slot] < 0 else "end",
                f"{row.student.national_id} has a mark on {day} ({SESSIONS[slot % 2]}), outside "
                f"{start} to {end}: correct the register before moving the term",
            )
        new = np.zeros(width, dtype=np.uint8)
        keep = (at >= 0) & (at < width)
        new[at[keep]] = old[keep]
        row.marks = new.tobytes()
    RegisterTerm.objects.bulk_update(rows, ["marks"], batch_size=2000)
    if shift:
        for amendment in Amendment.objects.filter(register__term=term):
            amendment.slot += shift
            amendment.save(update_fields=["slot"])
    term.start, term.end = start, end
    term.save(update_fields=["start", "end"])
    _audit(school, by, f"Set {term.key} to {start} - {end} (was {old_start} - {old_end})")
    return CalendarChange(
        f"{term.name} at {school.name} now runs from {start:%-d %B %Y} to {end:%-d %B %Y}",
        terms_evaluate(terms=[term], as_of=school_today(school)),
    )
