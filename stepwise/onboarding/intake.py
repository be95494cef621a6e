"""The upload page's one door to the importers: a school's file, checked and imported.

The importers (stepwise.register.importers) check a file as the command line does,
all or nothing. A file uploaded on a school's page must also hold that school's rows
only: a school's staff never write another school's records. The importer says which
schools a file wrote to; if any is another school's, the import is undone and the file
is read once more, only then, to name each such row. `import_school_file` is the only
call the upload page makes, and it goes through the intake service (stepwise.intake)
as the command line and the API do. A register file may come as a system exports it,
read through an import profile (stepwise.register.importers.profiles).
"""

import csv
import io
from collections.abc import Callable

from django.db import transaction

from stepwise.intake.services import caregivers_take, register_take, roster_take
from stepwise.register.csvfile import ImportRejected, Problems
from stepwise.register.importers import ImportResult, import_rejected_record
from stepwise.register.importers.profiles import Profile, Translated, translate
from stepwise.register.models import ImportRun
from stepwise.schools.models import School

# Lines checked between two reports of progress.
CHUNK = 5_000

Progress = Callable[[int], None]  # lines read so far


def school_rows_check(
    *, school: School, data: bytes, file_name: str, progress: Progress | None = None
) -> None:
    """Raise ImportRejected naming every row whose school_id is not the school's.

    A file the importers cannot read (not UTF-8, no school_id column) passes here:
    they say what is wrong with it, in the same words as on the command line.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if not header or header[0].strip() != "school_id":
        return
    problems = Problems(file_name)
    for count, row in enumerate(reader, start=1):
        if row and row[0] != school.code and any(row):
            problems.add(
                reader.line_num,
                "school_id",
                f"{row[0]!r} is not {school.code}: this page imports {school.name}'s rows only",
            )
        if progress is not None and count % CHUNK == 0:
            progress(reader.line_num)
    if progress is not None:
        progress(reader.line_num)
    problems.raise_if_any()


class _OtherSchools(Exception):
    """The import wrote another school's rows: undo it."""


def _take(kind: str, data: bytes, file_name: str, user, progress: Progress | None):
    if kind == ImportRun.Kind.REGISTER:
        return register_take(data, file_name=file_name, user=user, progress=progress)
    if kind == ImportRun.Kind.CAREGIVERS:
        return caregivers_take(data, file_name=file_name, user=user)
    return roster_take(data, file_name=file_name, user=user)


def import_school_file(
    *,
    school: School,
    kind: str,
    data: bytes,
    file_name: str,
    user,
    profile: Profile | None = None,
    progress: Progress | None = None,
    checked: Callable[[], None] | None = None,
) -> ImportResult:
    """Import a school's roster, caregivers or register file, all or nothing.

    A register file shaped by `profile` is translated first. A register import
    re-evaluates the terms it changed, in the same transaction. `progress` hears how
    many lines have been checked, `checked` when the import itself begins. Raise
    ImportRejected, naming every problem's line and column, with nothing written but
    the record of the refusal.
    """
    sent = data
    translated: Translated | None = None
    try:
        if profile is not None and kind == ImportRun.Kind.REGISTER:
            translated = translate(data, profile=profile, file_name=file_name, school=school)
            data = translated.data
    except ImportRejected as unreadable:
        import_rejected_record(kind=kind, data=sent, file_name=file_name, user=user,
                               rejected=unreadable)  # fmt: skip
        raise
    rejected: ImportRejected | None = None
    heard = _heard(progress, checked) if kind == ImportRun.Kind.REGISTER else None
    if heard is None and checked is not None:
        checked()
    try:
        with transaction.atomic():
            try:
                result = _take(kind, data, file_name, user, heard)
            except ImportRejected as e:  # its refusal is recorded: keep that, not undo it
                rejected = e
            else:
                if result.run.schools.exclude(pk=school.pk).exists():
                    raise _OtherSchools
    except _OtherSchools:
        refusal = _other_schools_refusal(school, data, file_name, translated)
        assert refusal is not None  # the importer wrote another school's rows
        import_rejected_record(kind=kind, data=sent, file_name=file_name, user=user,
                               rejected=refusal)  # fmt: skip
        raise refusal from None
    if rejected is None:
        return result
    # Another school's rows are refused as such, whatever else is wrong with them: the
    # importer's words about them would tell what that school holds.
    refusal = _other_schools_refusal(school, data, file_name, translated)
    if refusal is None:
        raise translated.rejected(rejected, file_name) if translated is not None else rejected
    recorded = ImportRun.objects.filter(
        file_name=file_name, outcome=ImportRun.Outcome.REJECTED
    ).order_by("-pk")
    ImportRun.objects.filter(pk__in=recorded.values("pk")[:1]).update(message=refusal.summary())
    raise refusal


def _heard(progress: Progress | None, checked: Callable[[], None] | None) -> Progress:
    """Return what the register importer calls once it has read every row."""

    def heard(rows: int) -> None:
        if progress is not None:
            progress(rows + 1)  # the last row's line: the header is line 1
        if checked is not None:
            checked()

    return heard


def _other_schools_refusal(
    school: School, data: bytes, file_name: str, translated: Translated | None
) -> ImportRejected | None:
    """Return the refusal naming each row of another school, or None if there is none."""
    try:
        school_rows_check(school=school, data=data, file_name=file_name)
    except ImportRejected as refusal:
        return translated.rejected(refusal, file_name) if translated is not None else refusal
    return None
