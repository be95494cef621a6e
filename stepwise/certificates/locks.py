"""Register locking: marks an import changes inside an issued certificate's days.

An import is never refused for changing a locked mark: the school's register must
stay truthful. Each such change is kept as a PostCertificateChange, every open case
of the student is told in its log, and the certificate's issuer is emailed once the
import commits. The intake service (stepwise/intake) calls `post_certificate_changes_record`
once per import with everything it changed: one query finds the certificates involved.
"""

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from stepwise.cases.models import Case, LogEntry
from stepwise.cases.services import log_entry_record
from stepwise.register.changes import TermChanges
from stepwise.register.models import ImportRun
from stepwise.rules.calendar import SESSIONS
from stepwise.rules.days import long_date
from stepwise.schools.models import Term

from .models import PostCertificateChange, RegistrationCertificate

logger = logging.getLogger(__name__)
LISTED_AT_MOST = 60  # changes listed in one log entry or email; the rest are counted


def _slot_range(term: Term, first: date, last: date) -> tuple[int, int]:
    """Return the term's slots [lo, hi) from `first` to `last` (clipped to the term)."""
    start, end = max(first, term.start), min(last, term.end)
    if end < start:
        return 0, 0
    lo = int(np.busday_count(term.start, start))
    hi = int(np.busday_count(term.start, end + timedelta(days=1)))
    return 2 * lo, 2 * hi


def _locked(certificate: RegistrationCertificate, changed: TermChanges, run: ImportRun, now):
    lo, hi = _slot_range(changed.term, certificate.first_day, certificate.last_day)
    hit = (changed.students == certificate.student_id) & (changed.slots >= lo)
    hit &= changed.slots < hi
    slots = changed.slots[hit]
    days = np.busday_offset(np.datetime64(changed.term.start), slots // 2, roll="forward")
    return [
        PostCertificateChange(
            certificate=certificate,
            date=day,
            session=SESSIONS[slot % 2],
            old_code=changed.names[old],
            new_code=changed.names[new],
            import_run=run,
            file_name=run.file_name,
            recorded_at=now,
        )
        for day, slot, old, new in zip(
            days.astype(object).tolist(),
            slots.tolist(),
            changed.old[hit].tolist(),
            changed.new[hit].tolist(),
            strict=True,
        )
    ]


def post_certificate_changes_record(
    *, run: ImportRun, changes: list[TermChanges], now: datetime | None = None
) -> list[PostCertificateChange]:
    """Record the import's changes to certificates' locked days, and tell who must know.

    1. Find, in one query, the certificates of the changed terms' schools whose days
       overlap the terms.
    2. Keep the changes of each certificate's student inside its days.
    3. Write them; add a log entry to each open case of the student; email the
       issuer after the import commits.
    """
    changes = [c for c in changes if len(c.slots)]
    if not changes:
        return []
    now = now or timezone.now()
    by_school: dict[int, list[TermChanges]] = defaultdict(list)
    for changed in changes:
        by_school[changed.term.school_id].append(changed)
    certificates = (
        RegistrationCertificate.objects.filter(
            school_id__in=list(by_school),
            last_day__gte=min(c.term.start for c in changes),
            first_day__lte=max(c.term.end for c in changes),
        )
        .defer("pdf")
        .select_related("student", "issued_by")
    )
    recorded: dict[RegistrationCertificate, list[PostCertificateChange]] = {}
    for certificate in certificates:
        found = [
            change
            for changed in by_school[certificate.school_id]
            for change in _locked(certificate, changed, run, now)
        ]
        if found:
            recorded[certificate] = found
    if not recorded:
        return []
    created = PostCertificateChange.objects.bulk_create(
        [change for found in recorded.values() for change in found]
    )
    for certificate, found in recorded.items():
        _tell(certificate, found, run, now)
    return created


def change_lines(changes: list[PostCertificateChange]) -> list[str]:
    """Return one line per change ("Mon 6 October 2025 AM: N → O"), at most LISTED_AT_MOST."""
    lines = [
        f"{c.date:%a} {long_date(c.date)} {c.session}: {c.old_code or 'no mark'} → {c.new_code}"
        for c in sorted(changes, key=lambda c: (c.date, c.session))[:LISTED_AT_MOST]
    ]
    if len(changes) > LISTED_AT_MOST:
        lines.append(f"… and {len(changes) - LISTED_AT_MOST} more")
    return lines


def _message(certificate: RegistrationCertificate, found: list[PostCertificateChange], run):
    return "\n".join(
        [
            f"{len(found)} register marks of {certificate.student.full_name} changed after the "
            f"registration certificate for {long_date(certificate.first_day)} to "
            f"{long_date(certificate.last_day)} was issued on "
            f"{long_date(timezone.localdate(certificate.issued_at))} by "
            f"{certificate.issued_by_name} ({certificate.issued_for}):",
            *change_lines(found),
            f"From the import of {run.file_name} (import {run.pk}). The certificate no longer "
            "matches the register: issue a new one before relying on it.",
        ]
    )


def _tell(certificate: RegistrationCertificate, found: list[PostCertificateChange], run, now):
    message = _message(certificate, found, run)
    for case in Case.objects.filter(student_id=certificate.student_id).exclude(
        status=Case.Status.CLOSED
    ):
        log_entry_record(
            case=case, by=None, kind=LogEntry.Kind.NOTE, happened_at=now, notes=message, now=now
        )
    issuer = certificate.issued_by
    if issuer is not None and issuer.email:
        subject = f"Registration certificate changed after issue: {certificate.student.full_name}"
        # Only once the import has committed: a rolled-back import changed nothing.
        transaction.on_commit(lambda: _email(subject, message, issuer.email))


def _email(subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject, body, None, [to], fail_silently=False)
    except Exception:  # a mail server's refusal must not undo a committed import
        logger.exception("Could not email %s about a changed registration certificate", to)
