"""OneRoster 1.2 CSV bundles: read a zip with its manifest, and write one for a school.

A bundle is a zip of CSV files with manifest.csv saying, for each file, whether it is
there in full (`bulk`), as changes (`delta`) or `absent`. Stepwise reads orgs, users,
enrollments and demographics; it refuses a bundle whose manifest and files disagree,
and names every part it did not read rather than dropping it silently.
"""

import csv
import io
import zipfile
from pathlib import PurePosixPath

from .formats import NEEDED_COLUMNS, ONEROSTER_FILES, FieldError, FormatRejected

MANIFEST = "manifest.csv"
MODES = ("bulk", "delta", "absent")
# What Stepwise does instead of reading each part it leaves alone.
NOT_READ = {
    "academicSessions.csv": "terms come from the school's own calendar in Stepwise",
    "roles.csv": "a student is one with a student enrollment at the school",
    "classes.csv": "Stepwise keeps enrolment at the school, not in classes",
    "courses.csv": "Stepwise keeps enrolment at the school, not in courses",
}
DEFAULT_NOT_READ = "Stepwise does not use this part"


def read_bundle(data: bytes, *, max_bytes: int) -> tuple[dict[str, bytes], list[FieldError]]:
    """Return the parts of a OneRoster zip Stepwise reads, and a warning for each other one.

    Raises FormatRejected when the zip or its manifest is unreadable, when a part the
    manifest calls bulk or delta is missing or one it calls absent is there, when a
    part is not in the manifest, or when orgs, users or enrollments is absent.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise FormatRejected([FieldError("is not a zip file", "bundle")]) from None
    if sum(i.file_size for i in infos) > max_bytes:
        raise FormatRejected(
            [FieldError(f"holds more than {max_bytes:,} bytes once unzipped", "bundle")]
        )
    parts: dict[str, bytes] = {}
    try:
        for info in infos:
            parts[PurePosixPath(info.filename).name] = archive.read(info)
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as e:
        raise FormatRejected([FieldError(f"a part cannot be unzipped ({e})", "bundle")]) from None
    if MANIFEST not in parts:
        raise FormatRejected([FieldError("is not in the bundle: send it with the files", MANIFEST)])
    manifest = _manifest(parts.pop(MANIFEST))
    errors = []
    declared = {}
    for key, mode in manifest.items():
        if key.startswith("file."):
            declared[key.removeprefix("file.") + ".csv"] = (key, mode.lower())
    for name, (key, mode) in declared.items():
        if mode not in MODES:
            errors.append(
                FieldError(f"{mode!r} must be bulk, delta or absent", f"{MANIFEST} {key}")
            )
        elif mode == "absent" and name in parts:
            errors.append(FieldError(f"the manifest says {key} is absent, but it is here", name))
        elif mode != "absent" and name not in parts:
            errors.append(
                FieldError(f"the manifest says {key} is {mode}, but it is not here", name)
            )
    for name in ONEROSTER_FILES:
        key = "file." + name.removesuffix(".csv")
        if declared.get(name, (key, "absent"))[1] == "absent":
            errors.append(
                FieldError(
                    f"Stepwise needs {name}, but the manifest says it is absent",
                    f"{MANIFEST} {key}",
                )
            )
    for name in parts:
        if name not in declared:
            errors.append(FieldError("is in the bundle but not in the manifest", name))
    if errors:
        raise FormatRejected(errors, "nothing was imported: the bundle and its manifest disagree")
    warnings = [
        FieldError(f"not read: {NOT_READ.get(name, DEFAULT_NOT_READ)}", name)
        for name in sorted(parts)
        if name not in NEEDED_COLUMNS
    ]
    return {n: d for n, d in parts.items() if n in NEEDED_COLUMNS}, warnings


def _manifest(data: bytes) -> dict[str, str]:
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error) as e:
        raise FormatRejected([FieldError(f"is not readable CSV ({e})", MANIFEST)]) from None
    if not rows or [h.strip() for h in rows[0][:2]] != ["propertyName", "value"]:
        raise FormatRejected([FieldError("the header must be propertyName,value", MANIFEST)])
    return {r[0].strip(): r[1].strip() for r in rows[1:] if len(r) >= 2}
