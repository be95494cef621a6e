"""Uploads on a school's page: start one (in a request), run it (in the task worker).

Starting checks the file's name and size, keeps the file, and queues the task in the
same transaction. Running reports progress in transactions of its own (so the page
sees it move), then imports the file through stepwise.onboarding.intake in one
transaction: all or nothing, as on the command line. A large file never holds a web
worker, and other pages go on answering while it runs.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.vendors import BUILT_IN, profiles_for
from stepwise.register.models import ImportRun
from stepwise.schools.models import School
from stepwise.web.uploads import extension, too_big

from .intake import import_school_file
from .models import ImportUpload

logger = logging.getLogger(__name__)
# The most problems kept for the page and its download: a file wrong on every line
# says so well before this.
PROBLEMS_KEPT = 100_000


def upload_refusal(
    *, kind: str, name: str, size: int, school: School | None = None, profile: str = ""
) -> dict[str, str]:
    """Return what is wrong with an upload, by field, before its content is read."""
    errors = {}
    if kind not in ImportRun.Kind.values:
        errors["kind"] = "Select what the file holds"
    elif profile and kind != ImportRun.Kind.REGISTER:
        errors["profile"] = "A system’s format is for register files: choose Stepwise CSV"
    elif profile and (school is None or profile not in {p.key for p in profiles_for(school.pack)}):
        errors["profile"] = "Select one of the formats listed"
    if extension(name) not in (".csv", ".txt"):
        errors["upload"] = f"{name} is not a CSV file: save it from your system as CSV (UTF-8)"
    elif refused := too_big(name, size, settings.UPLOAD_IMPORT_MAX_BYTES, "an import file"):
        errors["upload"] = refused
    return errors


def upload_start(
    *, school: School, kind: str, name: str, content: bytes, by: User, profile: str = ""
) -> ImportUpload:
    """Keep an uploaded file and queue its import; raise ValidationError saying what is wrong.

    `profile` names the built-in import profile a register file is read through.
    """
    refused = upload_refusal(kind=kind, name=name, size=len(content), school=school,
                             profile=profile)  # fmt: skip
    if errors := refused:
        raise ValidationError(errors)
    if not content.strip():
        raise ValidationError({"upload": f"{name} is empty"})
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            school=school,
            kind=kind,
            profile=profile,
            file_name=name[:300],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            requested_by=by,
            requested_at=timezone.now(),
            lines=content.count(b"\n") + (not content.endswith(b"\n")),
        )
        from .tasks import upload_import  # the task module imports this one

        result = upload_import.enqueue(upload.pk)
        ImportUpload.objects.filter(pk=upload.pk).update(task_id=str(result.id))
        upload.task_id = str(result.id)
    return upload


def _set(upload: ImportUpload, **fields) -> None:
    """Save fields at once, outside any import transaction, so the page sees them."""
    ImportUpload.objects.filter(pk=upload.pk).update(**fields)
    for name, value in fields.items():
        setattr(upload, name, value)


def upload_run(*, upload_pk: int) -> None:
    """Import an upload's file, reporting progress; keep its problems or what it changed.

    1. Claim the upload (a conditional update: two workers never both run it).
    2. Check and import the file, all or nothing (stepwise.onboarding.intake).
    3. Keep the outcome, and drop the file's content.
    """
    claimed = ImportUpload.objects.filter(pk=upload_pk, status=ImportUpload.Status.QUEUED).update(
        status=ImportUpload.Status.CHECKING
    )
    if claimed != 1:
        return
    upload = ImportUpload.objects.select_related("school", "requested_by").get(pk=upload_pk)
    data = bytes(upload.content)

    def progress(lines: int) -> None:
        _set(upload, lines_checked=lines)

    def importing() -> None:
        _set(upload, status=ImportUpload.Status.IMPORTING)

    try:
        result = import_school_file(
            school=upload.school,
            kind=upload.kind,
            data=data,
            file_name=upload.file_name,
            user=upload.requested_by,
            profile=BUILT_IN[upload.profile] if upload.profile else None,
            progress=progress,
            checked=importing,
        )
    except ImportRejected as rejected:
        run = ImportRun.objects.filter(
            sha256=upload.sha256,
            outcome=ImportRun.Outcome.REJECTED,
            imported_by=upload.requested_by,
        ).first()
        _set(
            upload,
            status=ImportUpload.Status.REJECTED,
            problems=[[p.line, p.column, p.message] for p in rejected.problems[:PROBLEMS_KEPT]],
            import_run=run,
            content=b"",
            finished_at=timezone.now(),
        )
        return
    except Exception as e:  # the page must say it stopped, not wait for ever
        logger.exception("upload %s stopped", upload_pk)
        _set(
            upload,
            status=ImportUpload.Status.FAILED,
            error=f"{type(e).__name__}: the import stopped and nothing was changed",
            content=b"",
            finished_at=timezone.now(),
        )
        return
    run = result.run
    _set(
        upload,
        status=ImportUpload.Status.IMPORTED
        if run.outcome == ImportRun.Outcome.IMPORTED
        else ImportUpload.Status.UNCHANGED,
        import_run=run,
        rows=result.rows,
        changes=run.changes,
        warnings=[[w.line, w.column, w.message] for w in result.warnings],
        content=b"",
        finished_at=timezone.now(),
    )
