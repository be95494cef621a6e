"""The upload page's one door to the importers: a school's file, checked and imported.

The importers (stepwise.register.importers) check a file as the command line does,
all or nothing. A file uploaded on a school's page must also hold that school's rows
only: a school's staff never write another school's records. `import_school_file` is
the only call the upload page makes, and it goes through the intake service
(stepwise.intake) as the command line and the API do.
"""

import csv
import io
from collections.abc import Callable

from stepwise.intake.services import caregivers_take, register_take, roster_take
from stepwise.register.csvfile import ImportRejected, Problems
from stepwise.register.importers import ImportResult, import_rejected_record
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


def import_school_file(
    *,
    school: School,
    kind: str,
    data: bytes,
    file_name: str,
    user,
    progress: Progress | None = None,
    checked: Callable[[], None] | None = None,
) -> ImportResult:
    """Import a school's roster, caregivers or register file, all or nothing.

    A register import re-evaluates the terms it changed, in the same transaction.
    `progress` hears how many lines have been checked, `checked` when the import
    itself begins. Raise ImportRejected, naming every problem's line and column, with
    nothing written but the record of the refusal.
    """
    try:
        school_rows_check(school=school, data=data, file_name=file_name, progress=progress)
    except ImportRejected as rejected:
        import_rejected_record(
            kind=kind, data=data, file_name=file_name, user=user, rejected=rejected
        )
        raise
    if checked is not None:
        checked()
    if kind == ImportRun.Kind.REGISTER:
        return register_take(data, file_name=file_name, user=user)
    if kind == ImportRun.Kind.CAREGIVERS:
        return caregivers_take(data, file_name=file_name, user=user)
    return roster_take(data, file_name=file_name, user=user)
