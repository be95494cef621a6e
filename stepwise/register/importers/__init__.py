"""CSV importers: roster, caregivers and register marks. Each file is all-or-nothing."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from stepwise.register.changes import TermChanges
from stepwise.register.csvfile import ImportRejected, Problem
from stepwise.register.models import ImportRun
from stepwise.register.selectors import TermRows
from stepwise.schools.models import School
from stepwise.schools.selectors import EnrolmentRows

Progress = Callable[[int], None]
# Every file starts each row with its school_id: the first field of each line after the
# header, quoted or not. Read as bytes, without parsing: a national day is 1.66M lines.
FIRST_FIELD = re.compile(rb'^"?([^",\r\n]*)"?,', re.MULTILINE)


@dataclass
class ImportResult:
    run: ImportRun
    rows: int
    changed: int
    detail: dict[str, int] = field(default_factory=dict)
    affected: set[tuple[int, int]] = field(default_factory=set)  # (school id, term id)
    evaluation: Any = None  # the EvaluationResult when the import re-evaluated
    # The changed terms' register rows after the import, by term id, so an evaluation
    # that follows can start from them instead of reading them back.
    registers: dict[int, TermRows] = field(default_factory=dict)
    # The enrolments at the file's schools, read by the import, for the same reason.
    enrolments: EnrolmentRows | None = None
    # Rows imported as asked that the importer should look at again, each named.
    warnings: list[Problem] = field(default_factory=list)
    # Every mark the import changed, for what must follow it (the certificates' locks).
    changes: list[TermChanges] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{v} {k}" for k, v in self.detail.items())
        name = self.run.file_name
        if not self.changed:
            text = f"{name}: {self.rows} rows read; nothing to change."
        else:
            text = f"{name}: {self.rows} rows read; {parts}."
        return "\n".join([text, *(f"{name}, warning: {w}" for w in self.warnings)])


@dataclass
class Applied:
    rows: int
    changed: int
    detail: dict[str, int]
    affected: set[tuple[int, int]] = field(default_factory=set)
    evaluation: Any = None
    registers: dict[int, TermRows] = field(default_factory=dict)
    enrolments: EnrolmentRows | None = None
    warnings: list[Problem] = field(default_factory=list)
    schools: set[int] = field(default_factory=set)  # the schools whose rows it held
    changes: list[TermChanges] = field(default_factory=list)


# What a caller does after an import has stored its rows, inside the import's transaction:
# if it fails, the import is undone with it.
Then = Callable[[ImportRun, Applied], None]


def file_schools(data: bytes) -> list[School]:
    """Return the known schools a refused file's rows name (an imported file's importer
    says which it wrote to: quicker than reading a national day's lines again)."""
    body = data.split(b"\n", 1)[1] if b"\n" in data else b""
    codes = {c.decode("utf-8", "replace").strip() for c in set(FIRST_FIELD.findall(body))}
    # A code with a NUL byte names no school, and PostgreSQL refuses NUL in a query.
    return list(School.objects.filter(code__in={c for c in codes if c and "\x00" not in c}))


def changes_of(applied: "Applied") -> dict[str, int]:
    """Return what an import changed, by name, with what its evaluation then found."""
    changes = dict(applied.detail)
    if applied.evaluation is not None:
        changes["thresholds newly reached"] = applied.evaluation.created
    return changes


def import_rejected_record(
    *, kind: str, data: bytes, file_name: str, user, rejected: ImportRejected, started=None
) -> ImportRun:
    """Record a file refused as a whole: what, by whom, why, and the schools it named."""
    run = ImportRun.objects.create(
        kind=kind,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        imported_by=user if getattr(user, "pk", None) else None,
        started_at=started or timezone.now(),
        outcome=ImportRun.Outcome.REJECTED,
        # A rejected file may quote a NUL byte (in its header, say): PostgreSQL's
        # text columns refuse NUL, which would turn the refusal into a crash.
        message=rejected.summary().replace("\x00", "\\x00"),
        finished_at=timezone.now(),
    )
    run.schools.set(file_schools(data))
    return run


def run_import(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user,
    apply: Callable[[ImportRun], Applied],
    then: Then | None = None,
) -> ImportResult:
    """Apply an import inside one transaction and record its run, whatever the outcome.

    `then` runs in the same transaction once the rows are stored.
    """
    started = timezone.now()
    sha256 = hashlib.sha256(data).hexdigest()
    fields = {
        "kind": kind,
        "file_name": file_name,
        "sha256": sha256,
        "imported_by": user if getattr(user, "pk", None) else None,
        "started_at": started,
    }
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                **fields, outcome=ImportRun.Outcome.IMPORTED, finished_at=started
            )
            applied = apply(run)
            if then is not None:
                then(run, applied)
            run.rows, run.changed = applied.rows, applied.changed
            run.outcome = (
                ImportRun.Outcome.IMPORTED if applied.changed else ImportRun.Outcome.UNCHANGED
            )
            run.message = "; ".join(
                [*(f"{v} {k}" for k, v in applied.detail.items()), *map(str, applied.warnings)]
            )
            run.changes = changes_of(applied)
            run.finished_at = timezone.now()
            run.save()
            run.schools.set(applied.schools)
    except ImportRejected as rejected:
        import_rejected_record(kind=kind, data=data, file_name=file_name, user=user,
                               rejected=rejected, started=started)  # fmt: skip
        raise
    return ImportResult(
        run,
        applied.rows,
        applied.changed,
        applied.detail,
        applied.affected,
        applied.evaluation,
        applied.registers,
        applied.enrolments,
        applied.warnings,
        applied.changes,
    )
