"""Reads for privacy work: everything a school holds about one student, and what retention removes.

The subject access reads name every column they take, as the Ministry export does:
private notes (ResponseActivity.notes, Referral.decision_note) are never read here,
only whether one exists, so they cannot slip into a file by accident.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from stepwise.audit.models import AuditEvent
from stepwise.audit.selectors import naming
from stepwise.letters.models import Letter
from stepwise.referrals.models import Referral
from stepwise.register.models import Amendment, ImportRun, RegisterTerm
from stepwise.responses.models import ResponseActivity
from stepwise.rules.calendar import SESSIONS
from stepwise.rules.days import weekdays
from stepwise.rules.pack import Code, Pack
from stepwise.schools.models import Caregiver, Enrolment, School, Student, StudentCaregiver
from stepwise.standings.models import ThresholdEvent

from .retention import start_of

WITHHELD = "withheld"


@dataclass
class Table:
    """One CSV file of a subject access export."""

    name: str  # its path inside the zip
    title: str  # what it holds, for the README
    columns: tuple[str, ...]
    rows: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class WithheldNotes:
    """How many private notes exist about the student and were left out of the export."""

    response_activities: int
    referral_decisions: int

    @property
    def total(self) -> int:
        return self.response_activities + self.referral_decisions


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _slot(days: list[date], slot: int) -> tuple[str, str]:
    """Return (ISO date, session) of a register slot: byte 2*d is the d-th weekday's AM."""
    day = days[slot // 2].isoformat() if slot // 2 < len(days) else ""
    return day, SESSIONS[slot % 2]


def _code(codes: dict[int, Code], index: int) -> list[str]:
    code = codes.get(index)
    if code is None:
        return [f"?{index}", "not in the rule pack", "", ""]
    return [code.code, code.meaning, code.half_day, code.category]


def student_table(student: Student) -> Table:
    return Table(
        "student.csv",
        "the student's identity",
        ("student_id", "given_name", "family_name", "birth_date"),
        [[student.national_id, student.given_name, student.family_name, _day(student.birth_date)]],
    )


def enrolment_table(school: School, student: Student) -> Table:
    rows = Enrolment.objects.filter(school=school, student=student).order_by("enrolled_from")
    return Table(
        "enrolments.csv",
        "the student's enrolment at the school",
        ("school_id", "school_name", "year_level", "enrolled_from", "enrolled_to"),
        [
            [
                school.code,
                school.name,
                str(e.year_level),
                _day(e.enrolled_from),
                _day(e.enrolled_to),
            ]
            for e in rows
        ],
    )


def caregiver_table(school: School, student: Student) -> Table:
    links = (
        StudentCaregiver.objects.filter(student=student, caregiver__school=school)
        .select_related("caregiver")
        .order_by("caregiver__ref")
    )
    return Table(
        "caregivers.csv",
        "the student's caregivers as the school records them, and how each is linked",
        (
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
        ),
        [
            [
                link.caregiver.ref,
                link.caregiver.given_name,
                link.caregiver.family_name,
                link.relationship,
                _yes(link.lives_with_student),
                _yes(link.parental_responsibility),
                link.caregiver.email,
                link.caregiver.phone,
                link.caregiver.address,
                link.caregiver.preferred_language,
            ]
            for link in links
        ],
    )


REGISTER_COLUMNS = ("term", "date", "session", "code", "meaning", "half_day", "truancy_class")


def register_tables(school: School, student: Student, pack: Pack) -> list[Table]:
    """Return one table per register term: every mark held, decoded to date, session and code.

    A session without a mark (byte 0) has no row.
    """
    codes = {c.index: c for c in pack.codes}
    tables = []
    registers = (
        RegisterTerm.objects.filter(student=student, term__school=school)
        .select_related("term")
        .order_by("term__start")
    )
    for register in registers:
        term = register.term
        days = weekdays(term.start, term.end)
        table = Table(
            f"register/{term.key}.csv",
            f"every attendance mark held for {term.name}",
            REGISTER_COLUMNS,
        )
        for slot, index in enumerate(bytes(register.marks)):
            if index:
                table.rows.append([term.key, *_slot(days, slot), *_code(codes, index)])
        tables.append(table)
    return tables


def amendment_table(school: School, student: Student) -> Table:
    amendments = (
        Amendment.objects.filter(register__student=student, register__term__school=school)
        .select_related("register__term", "import_run")
        .order_by("recorded_at", "pk")
    )
    rows = []
    days_of: dict[int, list[date]] = {}
    for a in amendments:
        term = a.register.term
        days = days_of.setdefault(term.pk, weekdays(term.start, term.end))
        rows.append(
            [
                term.key,
                *_slot(days, a.slot),
                a.old_code,
                a.new_code,
                _when(a.recorded_at),
                a.import_run.file_name,
                str(a.import_run_id),
            ]
        )
    return Table(
        "amendments.csv",
        "every mark that replaced an earlier one (the original entry survives here)",
        ("term", "date", "session", "old_code", "new_code", "recorded_at", "import_file",
         "import_run"),
        rows,
    )  # fmt: skip


def threshold_table(school: School, student: Student, pack: Pack) -> Table:
    labels = {t.key: t.label for t in pack.thresholds}
    events = (
        ThresholdEvent.objects.filter(student=student, term__school=school)
        .select_related("term")
        .order_by("reached_on", "pk")
    )
    return Table(
        "threshold_events.csv",
        "each absence threshold the student reached, and whether it was later withdrawn",
        ("term", "threshold", "threshold_label", "reached_on", "status", "detected_at",
         "withdrawn_at"),
        [
            [e.term.key, e.threshold, labels.get(e.threshold, ""), _day(e.reached_on), e.status,
             _when(e.detected_at), _when(e.withdrawn_at)]
            for e in events
        ],
    )  # fmt: skip


def _activities(school: School, student: Student) -> QuerySet[ResponseActivity]:
    return ResponseActivity.objects.filter(school=school, student=student)


def response_table(school: School, student: Student, pack: Pack) -> Table:
    """Return the school's response activities for the student, never their notes.

    `private_notes` says "withheld" where an activity has notes; the notes themselves
    are not read.
    """
    labels = {t.key: t.label for t in pack.response_types}
    with_notes = set(_activities(school, student).exclude(notes="").values_list("pk", flat=True))
    activities = (
        _activities(school, student)
        .order_by("happened_on", "recorded_at", "pk")
        .values_list(
            "pk",
            "happened_on",
            "response_type",
            "description_text",
            "done_by",
            "threshold_event__threshold",
            "threshold_event__reached_on",
            "recorded_by__username",
            "recorded_at",
            "corrects_id",
            "withdrawn",
        )
    )
    return Table(
        "response_activities.csv",
        "what the school did about the student's absence; a correction or a withdrawal names "
        "the response it replaces",
        ("response_id", "happened_on", "response_type", "response_type_label", "description",
         "done_by", "threshold", "threshold_reached_on", "recorded_by", "recorded_at",
         "replaces_response_id", "withdrawal", "private_notes"),
        [
            [str(pk), _day(happened_on), kind, labels.get(kind, kind), description, done_by,
             threshold or "", _day(reached_on), recorded_by or "", _when(recorded_at),
             str(corrects or ""), "yes" if withdrawn else "",
             WITHHELD if pk in with_notes else ""]
            for (pk, happened_on, kind, description, done_by, threshold, reached_on, recorded_by,
                 recorded_at, corrects, withdrawn) in activities
        ],
    )  # fmt: skip


def _referrals(school: School, student: Student) -> QuerySet[Referral]:
    return Referral.objects.filter(school=school, student=student)


def referral_table(school: School, student: Student) -> Table:
    """Return the school's referrals of the student; the service's decision note is withheld."""
    with_notes = set(
        _referrals(school, student).exclude(decision_note="").values_list("pk", flat=True)
    )
    referrals = (
        _referrals(school, student)
        .order_by("referred_at", "pk")
        .values_list(
            "pk",
            "referred_at",
            "service__name",
            "reason",
            "summary",
            "referred_by__username",
            "status",
            "decided_at",
        )
    )
    return Table(
        "referrals.csv",
        "the school's referrals of the student to an attendance service",
        ("referral_id", "referred_at", "service", "reason", "summary", "referred_by", "status",
         "decided_at", "decision_note"),
        [
            [str(pk), _when(referred_at), service, reason, summary, referred_by or "", status,
             _when(decided_at), WITHHELD if pk in with_notes else ""]
            for (pk, referred_at, service, reason, summary, referred_by, status,
                 decided_at) in referrals
        ],
    )  # fmt: skip


def _letters(school: School, student: Student) -> QuerySet[Letter]:
    return Letter.objects.filter(school=school, student=student).order_by("sent_on", "pk")


def letter_file_name(pk: int, letter_key: str, file_format: str) -> str:
    """Return where a letter's file sits in the zip: letters/<letter id>-<letter>.pdf."""
    return f"letters/{pk}-{letter_key}.{file_format}"


def letter_table(school: School, student: Student) -> Table:
    """Return the school's letters to the student's caregivers, each with its file's name.

    The files themselves follow in the zip, as sent (letter_files); `sha256` is the hash
    recorded when each was sent, so a reader can check the copy. The sender's reasons are
    private notes (the reason is the response activity's note), so they are not read:
    "withheld" where one was given.
    """
    with_reason = set(_letters(school, student).exclude(reason="").values_list("pk", flat=True))
    with_override = set(
        _letters(school, student).exclude(override_reason="").values_list("pk", flat=True)
    )
    letters = _letters(school, student).values_list(
        "pk", "sent_on", "letter_key", "title", "step", "caregiver__given_name",
        "caregiver__family_name", "method", "emailed_to", "language", "refused_because",
        "issued_by__username", "issued_at", "file_format", "sha256",
    )  # fmt: skip
    return Table(
        "letters.csv",
        "the school's letters about the student, one to each caregiver, as sent",
        ("letter_id", "sent_on", "letter", "title", "step", "to", "method", "emailed_to",
         "language", "reason", "ladder_refused_because", "sent_anyway_because", "issued_by",
         "issued_at", "file", "sha256"),
        [
            [str(pk), _day(sent_on), key, title, str(step), f"{given} {family}", method,
             emailed_to, language, WITHHELD if pk in with_reason else "", refused,
             WITHHELD if pk in with_override else "", issued_by or "", _when(issued_at),
             letter_file_name(pk, key, file_format), sha256]
            for (pk, sent_on, key, title, step, given, family, method, emailed_to, language,
                 refused, issued_by, issued_at, file_format, sha256) in letters
        ],
    )  # fmt: skip


def letter_files(school: School, student: Student) -> Iterator[tuple[str, bytes]]:
    """Yield each of the school's letters about the student as (name in the zip, file)."""
    rows = _letters(school, student).values_list("pk", "letter_key", "file_format", "pdf")
    for pk, key, file_format, data in rows.iterator(chunk_size=20):  # files of ~20 kB
        yield letter_file_name(pk, key, file_format), bytes(data)


def audit_table(school: School, student: Student) -> Table:
    """Return the school's audit entries about the student and the school's referrals of them.

    Lists that showed the student are in, without the other children they named; staff
    addresses (ip_address) are the staff's personal data, not the student's: left out.
    """
    referral_ids = [str(pk) for pk in _referrals(school, student).values_list("pk", flat=True)]
    events = (
        AuditEvent.objects.filter(organisation=school.organisation)
        .filter(
            naming("student", student.pk) | Q(object_type="referral", object_id__in=referral_ids)
        )
        .order_by("at", "pk")
        .values_list("at", "username", "action", "object_type", "object_id", "detail")
    )
    return Table(
        "audit.csv",
        "every recorded view (alone or in a list), download, export and change of the "
        "student's record by the school's staff",
        ("at", "user", "action", "object_type", "object_id", "detail"),
        [
            [_when(at), user or "", action, object_type, object_id, detail]
            for at, user, action, object_type, object_id, detail in events
        ],
    )


def subject_access_tables(school: School, student: Student) -> list[Table]:
    """Return every table of the school's subject access export for the student, in order."""
    pack = school.rules
    return [
        student_table(student),
        enrolment_table(school, student),
        caregiver_table(school, student),
        *register_tables(school, student, pack),
        amendment_table(school, student),
        threshold_table(school, student, pack),
        response_table(school, student, pack),
        referral_table(school, student),
        letter_table(school, student),
        audit_table(school, student),
    ]


def withheld_notes(school: School, student: Student) -> WithheldNotes:
    """Count the student's private notes at the school (without reading them)."""
    return WithheldNotes(
        response_activities=_activities(school, student).exclude(notes="").count(),
        referral_decisions=_referrals(school, student).exclude(decision_note="").count(),
    )


# --- Retention ---------------------------------------------------------------------------


def _enrolment_ended_before(cutoff: date, *, student: str, school: str) -> Q:
    """Match records of a child whose every spell at the school ended before `cutoff`."""
    spells = Enrolment.objects.filter(student=OuterRef(student), school=OuterRef(school))
    return Q(Exists(spells.filter(enrolled_to__lt=cutoff))) & ~Q(
        Exists(spells.filter(Q(enrolled_to__isnull=True) | Q(enrolled_to__gte=cutoff)))
    )


def retention_candidates(kind: str, cutoff: date) -> QuerySet:
    """Return the records of a kind whose retention clock ran out before `cutoff`."""
    if kind == "response_activity":
        return ResponseActivity.objects.filter(
            _enrolment_ended_before(cutoff, student="student", school="school")
        )
    if kind == "referral":
        return Referral.objects.filter(
            _enrolment_ended_before(cutoff, student="student", school="school")
        )
    if kind == "student":
        current_or_recent = Enrolment.objects.filter(student=OuterRef("pk")).filter(
            Q(enrolled_to__isnull=True) | Q(enrolled_to__gte=cutoff)
        )
        return Student.objects.filter(
            Exists(Enrolment.objects.filter(student=OuterRef("pk"))),
            ~Exists(current_or_recent),
            ~Exists(ResponseActivity.objects.filter(student=OuterRef("pk"))),
            ~Exists(Referral.objects.filter(student=OuterRef("pk"))),
        )
    if kind == "import_run":
        return ImportRun.objects.filter(
            ~Exists(Amendment.objects.filter(import_run=OuterRef("pk"))),
            finished_at__date__lt=cutoff,
        )
    if kind == "audit_event":
        return AuditEvent.objects.filter(at__lt=start_of(cutoff))
    raise ValueError(f"no retention rule for {kind!r}")


def caregivers_left_alone(caregiver_ids: Iterable[int]) -> QuerySet:
    """Return those of the caregivers no longer linked to any student."""
    return Caregiver.objects.filter(pk__in=list(caregiver_ids), student_links__isnull=True)
