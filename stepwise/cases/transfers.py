"""Import cases transferred from a previous provider or a school, with their history.

One CSV, one record per row; `record` says which: a `case`, a `person` on it, an
earlier `note` (a contact attempt and its outcome) or a `letter` already sent. Rows
refer to their case by the previous provider's `case_ref`. The file is imported
whole or not at all, every problem named by line and column; importing the same
file again changes nothing.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.register.csvfile import (
    ImportRejected,
    Problems,
    field_limits,
    parse_date,
    parse_yes_no,
    read_rows,
)
from stepwise.web.uploads import too_big

from .models import Case, CaseSchool, LogEntry, Person, TransferImport
from .services import NOTES_MAX, forget_case_schools, next_references

HEADER = (
    "record",
    "case_ref",
    "reason",
    "status",
    "opened_on",
    "school",
    "role",
    "given_name",
    "family_name",
    "birth_date",
    "national_id",
    "relationship",
    "lives_with_student",
    "parental_responsibility",
    "phone",
    "email",
    "address",
    "preferred_language",
    "happened_on",
    "kind",
    "outcome",
    "notes",
    "recorded_by",
)
RECORDS = ("case", "person", "note", "letter")
PERSON_COLUMNS = ("given_name", "family_name", "national_id", "relationship", "phone", "email",
                  "address", "preferred_language")  # fmt: skip
# The longest value each column may hold: the field that keeps it (100 for a name).
LIMITS = (
    field_limits(Case, case_ref="transfer_source")
    | field_limits(CaseSchool, school="name")
    | field_limits(Person, **{c: c for c in PERSON_COLUMNS})
    | field_limits(LogEntry, recorded_by="recorded_by_name")
    | {"notes": NOTES_MAX}
)
OPEN_STATUSES = (Case.Status.OPEN, Case.Status.ACTIVE, Case.Status.ON_HOLD)
# A transferred history lands in the log at midday: the files carry dates, not times.
HISTORY_TIME = time(12, 0)
# Cases written, or looked up, per query: a big file takes a few queries per batch, and
# no query holds more parameters than a database takes (PostgreSQL: 65,535).
BATCH = 500
MAX_LETTER_STEP = 9  # a letter row's step on the ladder: ladders are short


class TransferForm(forms.Form):
    file = forms.FileField(
        label="Transferred-cases CSV",
        help_text="One row per case, person, earlier note or letter sent, header: "
        + ",".join(HEADER),
        error_messages={"required": "Choose the CSV file to import"},
    )

    def clean_file(self) -> Any:
        # Refused by its size before a byte of it is read.
        upload = self.cleaned_data["file"]
        cap = settings.UPLOAD_TRANSFERS_MAX_BYTES
        if why := too_big(upload.name, upload.size, cap, "a transferred-cases file"):
            raise forms.ValidationError(
                f"{why} Split it into smaller files, each case with all its rows in one file."
            )
        return upload


@dataclass
class Transferred:
    case_ref: str
    line: int
    row: dict[str, str]
    people: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    history: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class TransferResult:
    cases: int
    entries: int
    unchanged: bool

    @property
    def message(self) -> str:
        if self.unchanged:
            return "This file was imported before: nothing was changed."
        return f"Imported {self.cases} transferred cases with {self.entries} history entries."


def import_transfers(
    data: bytes, *, file_name: str, service: Organisation, by: User | None
) -> TransferResult:
    """Import a transferred-cases file for a service, or raise ValidationError naming rows."""
    sha = hashlib.sha256(data).hexdigest()
    if TransferImport.objects.filter(service=service, sha256=sha).exists():
        return TransferResult(0, 0, unchanged=True)
    try:
        cases = _read(data, file_name, service)
    except ImportRejected as rejected:
        raise ValidationError({"file": rejected.summary().splitlines()}) from None
    now = timezone.now()
    entries = 0
    with transaction.atomic():
        found = list(cases.values())
        references = next_references(service, timezone.localdate(now), len(found))
        for start in range(0, len(found), BATCH):
            batch = found[start : start + BATCH]
            entries += _write(batch, references[start : start + BATCH], service, by, now)
        forget_case_schools(service)
        TransferImport.objects.create(
            service=service,
            file_name=file_name[:300],
            sha256=sha,
            cases=len(cases),
            imported_by=by,
            imported_at=now,
        )
    return TransferResult(len(cases), entries, unchanged=False)


def _read(data: bytes, file_name: str, service: Organisation) -> dict[str, Transferred]:
    problems = Problems(file_name)
    cases: dict[str, Transferred] = {}
    later: list[tuple[int, dict[str, str]]] = []
    today = timezone.localdate()
    for line, fields in read_rows(data, header=HEADER, problems=problems):
        row = {name: value.strip() for name, value in zip(HEADER, fields, strict=True)}
        problems.check_lengths(line, row, LIMITS)
        record, ref = row["record"], row["case_ref"]
        if record not in RECORDS:
            problems.add(line, "record", f"must be one of {', '.join(RECORDS)}, not {record!r}")
            continue
        if not ref:
            problems.add(line, "case_ref", "every row needs the case it belongs to")
            continue
        if record != "case":
            later.append((line, row))
            continue
        if ref in cases:
            problems.add(
                line, "case_ref", f"case {ref} appears twice (first on line {cases[ref].line})"
            )
            continue
        _check_case(line, row, problems, today)
        cases[ref] = Transferred(ref, line, row)
    refs = list(cases)
    already = {
        ref
        for start in range(0, len(refs), BATCH)
        for ref in Case.objects.filter(
            service=service,
            origin=Case.Origin.TRANSFERRED,
            transfer_source__in=refs[start : start + BATCH],
        ).values_list("transfer_source", flat=True)
    }
    for ref in sorted(already):
        problems.add(cases[ref].line, "case_ref", f"case {ref} was imported from an earlier file")
    for line, row in later:
        owner = cases.get(row["case_ref"])
        if owner is None:
            problems.add(line, "case_ref", f"no case row for {row['case_ref']} in this file")
            continue
        if row["record"] == "person":
            person = _check_person(line, row, problems, today)
            if person is not None:
                owner.people.append((line, person))
        else:
            entry = _check_history(line, row, problems, today)
            if entry is not None:
                owner.history.append((line, entry))
    for transferred in cases.values():
        people = [p for _, p in transferred.people]
        for line, entry in transferred.history:
            to = entry["to"]
            if to is not None and not any(
                _named(p["given_name"], p["family_name"], to) for p in people
            ):
                problems.add(
                    line,
                    "given_name",
                    f"no person row of case {transferred.case_ref} is named {to[0]} {to[1]}",
                )
        children = [p for _, p in transferred.people if p["role"] == Person.Role.CHILD]
        if len(children) != 1:
            problems.add(
                transferred.line,
                "case_ref",
                f"case {transferred.case_ref} needs exactly one person row with role child, "
                f"has {len(children)}",
            )
    if not cases and not problems:
        problems.add(0, "", "the file has no case rows")
    problems.raise_if_any()
    return cases


def _need(line: int, row: dict[str, str], name: str, problems: Problems, what: str) -> str:
    if not row[name]:
        problems.add(line, name, f"enter {what}")
    return row[name]


def _date(
    line: int, row: dict[str, str], name: str, problems: Problems, today: date, required: bool
) -> date | None:
    text = row[name]
    if not text:
        if required:
            problems.add(line, name, "enter a date as YYYY-MM-DD")
        return None
    found = parse_date(text)
    if found is None:
        problems.add(line, name, f"{text!r} is not a date as YYYY-MM-DD")
    elif found > today:
        problems.add(line, name, f"{text} is in the future")
    return found


def _check_case(line: int, row: dict[str, str], problems: Problems, today: date) -> None:
    if row["reason"] not in Case.Reason.values:
        problems.add(line, "reason", f"must be one of {', '.join(Case.Reason.values)}")
    if row["status"] not in OPEN_STATUSES:
        problems.add(line, "status", f"must be one of {', '.join(OPEN_STATUSES)}")
    _date(line, row, "opened_on", problems, today, required=True)


def _check_person(
    line: int, row: dict[str, str], problems: Problems, today: date
) -> dict[str, Any] | None:
    count = len(problems.items)
    if row["role"] not in Person.Role.values:
        problems.add(line, "role", f"must be one of {', '.join(Person.Role.values)}")
    _need(line, row, "given_name", problems, "the person's given name")
    _need(line, row, "family_name", problems, "the person's family name")
    flags: dict[str, bool | None] = {}
    for name in ("lives_with_student", "parental_responsibility"):
        flags[name] = parse_yes_no(row[name]) if row[name] else None
        if row[name] and flags[name] is None:
            problems.add(line, name, f"must be yes or no, not {row[name]!r}")
    if row["email"] and "@" not in row["email"]:
        problems.add(line, "email", f"{row['email']!r} is not an email address")
    birth = _date(line, row, "birth_date", problems, today, required=False)
    if len(problems.items) > count:
        return None
    return {
        "role": row["role"],
        "given_name": row["given_name"],
        "family_name": row["family_name"],
        "birth_date": birth,
        "national_id": row["national_id"],
        "relationship": row["relationship"],
        "phone": row["phone"],
        "email": row["email"],
        "address": row["address"],
        "preferred_language": row["preferred_language"],
        **flags,
    }


def _check_history(
    line: int, row: dict[str, str], problems: Problems, today: date
) -> dict[str, Any] | None:
    count = len(problems.items)
    happened = _date(line, row, "happened_on", problems, today, required=True)
    kind = LogEntry.Kind.LETTER.value if row["record"] == "letter" else row["kind"]
    if row["outcome"] not in LogEntry.Outcome.values:
        values = [v for v in LogEntry.Outcome.values if v]
        problems.add(line, "outcome", f"must be blank or one of {', '.join(values)}")
    step, to = None, None
    if row["record"] == "letter":
        _need(line, row, "notes", problems, "which letter was sent, and to whom")
        step, to = _letter_step(line, row, problems)
    elif kind not in LogEntry.Kind.values:
        problems.add(line, "kind", f"must be one of {', '.join(LogEntry.Kind.values)}")
    if len(problems.items) > count or happened is None:
        return None
    return {
        "kind": kind,
        "outcome": row["outcome"],
        "notes": row["notes"],
        "recorded_by_name": row["recorded_by"],
        "happened_at": timezone.make_aware(datetime.combine(happened, HISTORY_TIME)),
        "letter_step": step,
        "to": to,
    }


def _letter_step(
    line: int, row: dict[str, str], problems: Problems
) -> tuple[int | None, tuple[str, str] | None]:
    """Return a letter row's step on the ladder and who it went to, if it gives them.

    A letter with its step counts on the ladder, so it must name its caregiver: the
    ladder follows each caregiver's letters.
    """
    if not row["kind"]:
        return None, None
    if not row["kind"].isdigit() or not 1 <= int(row["kind"]) <= MAX_LETTER_STEP:
        problems.add(
            line, "kind", f"a letter's step on the ladder is a number from 1 to {MAX_LETTER_STEP}"
        )
        return None, None
    given = _need(line, row, "given_name", problems, "the given name of the caregiver it went to")
    family = _need(line, row, "family_name", problems, "their family name")
    return int(row["kind"]), (given, family)


def _named(given_name: str, family_name: str, to: tuple[str, str]) -> bool:
    """Return whether a person is the one a letter row says it went to."""
    return (given_name.casefold(), family_name.casefold()) == (to[0].casefold(), to[1].casefold())


def _write(
    batch: list[Transferred],
    references: list[str],
    service: Organisation,
    by: User | None,
    now: datetime,
) -> int:
    """Write a batch of transferred cases with their people and history; return the entries."""
    made = []
    for transferred, reference in zip(batch, references, strict=True):
        row = transferred.row
        contacts = [e["happened_at"] for _, e in transferred.history if e["outcome"]]
        made.append(
            Case(
                service=service,
                reference=reference,
                reason=row["reason"],
                status=row["status"],
                origin=Case.Origin.TRANSFERRED,
                summary=row["notes"],
                opened_on=date.fromisoformat(row["opened_on"]),
                opened_by=by,
                transfer_source=transferred.case_ref,
                last_contact_at=max(contacts, default=None),
            )
        )
    cases = Case.objects.bulk_create(made)
    pairs = list(zip(batch, cases, strict=True))
    CaseSchool.objects.bulk_create(
        [CaseSchool(case=case, name=t.row["school"]) for t, case in pairs if t.row["school"]]
    )
    people = Person.objects.bulk_create(
        [Person(case=case, **person) for t, case in pairs for _, person in t.people]
    )
    history = [
        (case, entry)
        for t, case in pairs
        for _, entry in sorted(t.history, key=lambda h: h[1]["happened_at"])
    ]
    entries = LogEntry.objects.bulk_create(
        [
            LogEntry(
                case=case,
                recorded_at=now,
                recorded_by=by,
                transferred=True,
                **{k: v for k, v in entry.items() if k != "to"},
            )
            for case, entry in history
        ],
        batch_size=BATCH,
    )
    # A letter row names the caregiver it went to: the ladder follows each one's letters.
    for made_entry, (case, entry) in zip(entries, history, strict=True):
        if entry["to"] is not None:
            made_entry.people.set(
                [
                    p
                    for p in people
                    if p.case_id == case.pk and _named(p.given_name, p.family_name, entry["to"])
                ]
            )
    return len(entries)
