"""Writes for privacy work: a subject access export, and the retention purge with its tombstones."""

import hashlib
import io
import re
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import IO

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stepwise.audit.purge import audit_purge_window
from stepwise.schools.models import School, Student, StudentCaregiver
from stepwise.web.csvfiles import csv_writer

from .models import Tombstone
from .retention import RULES, retention_years, start_of, years_before
from .selectors import (
    Table,
    WithheldNotes,
    caregivers_left_alone,
    letter_files,
    retention_candidates,
    subject_access_tables,
    withheld_notes,
)

README = "README.txt"

# --- Subject access -----------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFile:
    name: str
    title: str
    rows: int  # data rows, not counting the header
    sha256: str


@dataclass(frozen=True)
class SubjectAccessExport:
    files: list[ExportedFile]  # every file but README.txt, in the zip's order
    withheld: WithheldNotes


def subject_access_file_name(school: School, student: Student, day: date) -> str:
    def safe(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9_-]+", "-", text)

    return f"subject-access-{safe(school.code)}-{safe(student.national_id)}-{day.isoformat()}.zip"


def _csv_bytes(table: Table) -> bytes:
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return text.getvalue().encode("utf-8")


def _readme(
    *,
    school: School,
    student: Student,
    produced_by: str,
    produced_at: datetime,
    files: list[ExportedFile],
    withheld: WithheldNotes,
) -> str:
    width = max(len(f.name) for f in files)
    listing = [f"  {f.name:<{width}}  {f.rows:>7} rows  sha256 {f.sha256}" for f in files]
    return "\n".join(
        [
            f"SUBJECT ACCESS REQUEST: what {school.name} holds in Stepwise about one student",
            "",
            f"Student:   {student.full_name}, student id {student.national_id}",
            f"Held by:   {school.name} (school id {school.code})",
            f"Produced:  {timezone.localtime(produced_at):%Y-%m-%d %H:%M %Z} by {produced_by}",
            "",
            "WHAT THIS COVERS",
            f"The records {school.name} holds about the student in Stepwise: identity, enrolment,",
            "caregivers, every attendance mark decoded to date, session and code (one file per",
            "term), amendments to marks, absence thresholds reached, response activities,",
            "referrals to attendance services, letters to caregivers (each file as sent, in",
            "letters/, with its SHA-256 in letters.csv), and the audit log of the school's",
            "staff viewing, exporting or changing the record. Another school or an attendance",
            "service that holds records about the student answers for its own records.",
            "",
            "FILES (data rows, and the SHA-256 of each file as stored in this zip)",
            *listing,
            "This README is not listed. Check a file with: sha256sum FILE",
            "",
            f"PRIVATE NOTES WITHHELD: {withheld.total}",
            f"- {withheld.response_activities} private note(s) on response activities "
            '(marked "withheld" in response_activities.csv)',
            f"- {withheld.referral_decisions} decision note(s) written by an attendance service "
            'on referrals (marked "withheld" in referrals.csv)',
            "Stepwise never lets private notes leave in an export. They are personal data the",
            "student may be entitled to, so they are withheld pending review by the",
            "organisation's data protection officer, who decides what to release and removes",
            "what concerns other people before answering the request.",
            "",
            "ALSO LEFT OUT",
            "- Staff IP addresses in the audit entries (the staff's personal data).",
            "",
            "BEFORE SENDING",
            "Caregivers' contact details and staff usernames are other people's personal data:",
            "the data protection officer should check what may be released to the requester.",
            "",
        ]
    )


def write_subject_access(
    file: IO[bytes],
    *,
    school: School,
    student: Student,
    produced_by: str,
    now: datetime | None = None,
) -> SubjectAccessExport:
    """Write everything the school holds about the student to `file` as a zip.

    README.txt comes first and lists every other file with its row count and SHA-256,
    and how many private notes exist and were withheld. The notes themselves are never
    read (see stepwise.privacy.selectors).
    """
    now = now or timezone.now()
    payloads = [(table, _csv_bytes(table)) for table in subject_access_tables(school, student)]
    files = [
        ExportedFile(table.name, table.title, len(table.rows), hashlib.sha256(data).hexdigest())
        for table, data in payloads
    ]
    withheld = withheld_notes(school, student)
    readme = _readme(
        school=school,
        student=student,
        produced_by=produced_by,
        produced_at=now,
        files=files,
        withheld=withheld,
    )
    stamp = timezone.localtime(now).timetuple()[:6]
    with zipfile.ZipFile(file, "w") as archive:
        for name, data in chain(
            [(README, readme.encode("utf-8"))],
            [(table.name, data) for table, data in payloads],
            letter_files(school, student),  # listed, with their hashes, in letters.csv
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return SubjectAccessExport(files=files, withheld=withheld)


# --- Retention ----------------------------------------------------------------------------

DELETE_CHUNK = 500  # ids per DELETE: well under SQLite's limit on query parameters


@dataclass
class Purge:
    """The records of one kind a retention run removed (or, in a dry run, would remove)."""

    kind: str
    rule: str
    years: int
    cutoff: date
    ids: list[int]
    cascaded: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass
class RetentionReport:
    run: uuid.UUID
    today: date
    dry_run: bool
    purges: list[Purge]  # one per rule applied, even when nothing was due
    kept_for_good: list[str]  # record types whose rule is None


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Return sorted ids as [first, last] runs: [1, 2, 3, 7] -> [[1, 3], [7, 7]]."""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return runs


def _delete(queryset: QuerySet) -> tuple[list[int], dict[str, int]]:
    """Delete the records in chunks; return their ids and what went with them, by model."""
    model = queryset.model
    ids = sorted(queryset.values_list("pk", flat=True))
    removed: Counter[str] = Counter()
    for start in range(0, len(ids), DELETE_CHUNK):
        _, per_model = model._default_manager.filter(
            pk__in=ids[start : start + DELETE_CHUNK]
        ).delete()
        removed.update(per_model)
    cascaded = {
        label: n for label, n in sorted(removed.items()) if n and label != model._meta.label
    }
    return ids, cascaded


def _tombstone(purge: Purge, *, run: uuid.UUID, command: str, now: datetime) -> Tombstone:
    return Tombstone.objects.create(
        kind=purge.kind,
        count=purge.count,
        id_ranges=id_ranges(purge.ids),
        first_id=min(purge.ids),
        last_id=max(purge.ids),
        cascaded=purge.cascaded,
        rule=purge.rule[:300],
        years=purge.years,
        cutoff=purge.cutoff,
        purged_at=now,
        run=run,
        command=command[:300],
    )


def retention_run(
    *,
    today: date,
    dry_run: bool = False,
    command: str = "stepwise retention",
    now: datetime | None = None,
) -> RetentionReport:
    """Purge every record past its retention and write a tombstone per kind purged.

    The rules run in order (stepwise.privacy.retention.RULES) inside one transaction,
    so a run removes everything due or nothing. A dry run does the same work and rolls
    it back: its counts are exact, including records an earlier rule frees (a student
    whose last response activity goes), and nothing changes. Tombstones are never purged.
    """
    years = retention_years()
    run = uuid.uuid4()
    now = now or timezone.now()
    purges: list[Purge] = []
    kept = [rule.kind for rule in RULES if years[rule.kind] is None]
    with transaction.atomic():
        for rule in RULES:
            n = years[rule.kind]
            if n is None:
                continue
            cutoff = years_before(today, n)
            candidates = retention_candidates(rule.kind, cutoff)
            caregiver_ids: list[int] = []
            if rule.kind == "student":
                caregiver_ids = list(
                    StudentCaregiver.objects.filter(student__in=candidates)
                    .values_list("caregiver_id", flat=True)
                    .distinct()
                )
            if rule.kind == "audit_event":
                # The audit table refuses deletes but inside a purge window for its cutoff.
                with audit_purge_window(before=start_of(cutoff)):
                    ids, cascaded = _delete(candidates)
            else:
                ids, cascaded = _delete(candidates)
            purges.append(Purge(rule.kind, rule.text(n), n, cutoff, ids, cascaded))
            if caregiver_ids:
                ids, cascaded = _delete(caregivers_left_alone(caregiver_ids))
                purges.append(
                    Purge(
                        "caregiver", f"caregiver: with the {rule.text(n)}", n, cutoff, ids, cascaded
                    )
                )
        if dry_run:
            transaction.set_rollback(True)
        else:
            for purge in purges:
                if purge.ids:
                    _tombstone(purge, run=run, command=command, now=now)
    return RetentionReport(run=run, today=today, dry_run=dry_run, purges=purges, kept_for_good=kept)
