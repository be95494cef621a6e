"""The referral bundle: one PDF of everything a referral panel reads, and a zip of the files.

The PDF is a cover with the checklist as evaluated now, then the chronology, every
registration certificate of the child, every letter sent and every meeting's minutes
that is a PDF, each appended exactly as stored. The zip holds that PDF, each file as
stored and manifest.json with every file's SHA-256 and size.

Every stored file is checked against the hash recorded when it was kept: a file that
changed since stops the bundle with a BundleError naming it, because a bundle must
never carry a file nobody can vouch for.
"""

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from stepwise.cases.choices import log_kind_label
from stepwise.cases.chronology import chronology
from stepwise.cases.models import Attachment, Case, LogEntry, Person
from stepwise.cases.selectors import case_pack
from stepwise.certificates.selectors import certificates_for_student
from stepwise.documents.pages import page_count
from stepwise.rules.days import long_date

from .render import Heading, Row, chronology_pdf, cover_pdf
from .selectors import case_readiness

# The log entries whose attachments are meeting minutes (Kent's checklist: "minutes of meetings").
MINUTES_KINDS = (LogEntry.Kind.MEETING, LogEntry.Kind.WHANAU_HUI, LogEntry.Kind.FORUM)
CHRONOLOGY, CERTIFICATES, LETTERS, MINUTES = "chronology", "certificates", "letters", "minutes"
SECTIONS = {
    CHRONOLOGY: "Chronology",
    CERTIFICATES: "Registration certificates",
    LETTERS: "Letters sent",
    MINUTES: "Meeting minutes",
}
MANIFEST = "manifest.json"
# An uploaded file's name goes into the zip: keep it to plain characters, no folders.
UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class BundleError(Exception):
    """A stored file no longer matches the hash recorded when it was kept."""


@dataclass
class Part:
    """One file of the bundle: its place in the zip, how the cover lists it, its bytes."""

    section: str
    path: str
    title: str
    detail: str
    content: bytes
    stored_sha256: str = ""  # recorded when it was kept; "" for the chronology, built now
    not_printed: str = ""  # why it is in the zip only ("": a PDF printed in the bundle)
    reader: PdfReader | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        return self.stored_sha256 or hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Bundle:
    case: Case
    built_at: datetime
    pdf: bytes
    parts: list[Part]

    @property
    def file_name(self) -> str:
        return safe_name(f"{self.case.reference}-referral-bundle.pdf")


def _verified(content: bytes, stored: str, what: str) -> bytes:
    found = hashlib.sha256(content).hexdigest()
    if found != stored:
        raise BundleError(
            f"{what} has changed since it was stored: its SHA-256 is now {found}, the record "
            f"says {stored}. The bundle was not built; restore the file from a backup."
        )
    return content


def safe_name(name: str) -> str:
    """Return a file name of plain characters: no folders, quotes or leading dots.

    Names come from records (a transferred case's reference, an upload's name): kept
    plain, no file of the zip can land outside its folder when it is unpacked.
    """
    return UNSAFE.sub("_", name).strip(" .") or "file"


def _unique(path: str, taken: set[str]) -> str:
    # Two files may share a name (a letter sent twice on one day): number the later ones.
    stem, dot, ext = path.rpartition(".")
    found, n = path, 1
    while found in taken:
        n += 1
        found = f"{stem}-{n}{dot}{ext}"
    taken.add(found)
    return found


def heading(case: Case, at: datetime) -> Heading:
    """Return whose case it is, for the top of the chronology and the cover."""
    child = case.people.filter(role=Person.Role.CHILD).first()
    name = child.full_name if child else (case.student.full_name if case.student else "")
    return Heading(case.reference, case.service.name, name, at)


def chronology_file_name(case: Case) -> str:
    return safe_name(f"{case.reference}-chronology.pdf")


def case_chronology_pdf(case: Case, at: datetime | None = None) -> bytes:
    """Return the case's chronology as PDF/A."""
    at = at or timezone.now()
    return chronology_pdf(heading(case, at), chronology(case, timezone.localdate(at)))


def _certificates(case: Case) -> list[Part]:
    if case.student is None:
        return []
    found = sorted(
        certificates_for_student(case.student).defer(None),
        key=lambda c: (c.first_day, c.issued_at),
    )
    return [
        Part(
            CERTIFICATES,
            f"{CERTIFICATES}/{safe_name(c.file_name)}",
            f"{c.school.name}: {long_date(c.first_day)} to {long_date(c.last_day)}",
            f"Issued on {long_date(timezone.localdate(c.issued_at))} by {c.issued_by_name}, "
            f"{c.issued_for}"
            + ("; the register changed after it was issued" if c.changed_since_issue else ""),
            _verified(bytes(c.pdf), c.sha256, f"Certificate {c.file_name}"),
            c.sha256,
        )
        for c in found
    ]


def _letters(case: Case) -> list[Part]:
    found = case.letters.select_related("case", "person").order_by("sent_on", "pk")
    return [
        Part(
            LETTERS,
            f"{LETTERS}/{safe_name(letter.file_name)}",
            f"{letter.title}, to {letter.recipient_name}",
            f"Sent on {long_date(letter.sent_on)} by {letter.get_method_display().lower()}",
            _verified(bytes(letter.pdf), letter.sha256, f"Letter {letter.file_name}"),
            letter.sha256,
            "" if letter.file_format == letter.Format.PDF else "A Word document: in the zip only",
        )
        for letter in found
    ]


def _minutes(case: Case) -> list[Part]:
    found = (
        Attachment.objects.filter(entry__case=case, entry__kind__in=MINUTES_KINDS)
        .select_related("entry")
        .order_by("entry__happened_at", "pk")
    )
    parts = []
    pack = case_pack(case)
    for a in found:
        day = timezone.localdate(a.entry.happened_at)
        content = _verified(bytes(a.content), a.sha256, f"Attachment {a.name}")
        is_pdf = content.startswith(b"%PDF-")
        parts.append(
            Part(
                MINUTES,
                f"{MINUTES}/{safe_name(f'{day}-{a.name}')}",
                a.name,
                f"{log_kind_label(pack, a.entry.kind)} on {long_date(day)}",
                content,
                a.sha256,
                "" if is_pdf else "Not a PDF: in the zip only",
            )
        )
    return parts


def _read(part: Part) -> None:
    """Open a part's PDF to append it; an unreadable or overlong upload is listed instead."""
    if part.not_printed:
        return
    most = settings.UPLOAD_PDF_MAX_PAGES
    if part.section == MINUTES and (pages := page_count(part.content) or 0) > most:
        # Kept before uploads had a cap on pages: printing them would hold the bundle up.
        part.not_printed = f"{pages:,} pages, more than the {most} a bundle prints: in the zip only"
        return
    try:
        part.reader = PdfReader(io.BytesIO(part.content))
        len(part.reader.pages)  # the page tree is read lazily: make a broken one fail here
    except Exception as error:  # pypdf raises many kinds on a malformed or encrypted upload
        if part.section != MINUTES:
            raise  # our own PDFs always read: a failure here is a bug to see
        part.not_printed = f"Not readable as a PDF ({error}): in the zip only"
        part.reader = None


def _rows(parts: list[Part]) -> list[tuple[str, list[Row]]]:
    rows: dict[str, list[Row]] = {s: [] for s in SECTIONS}
    page = 1
    for part in parts:
        pages = len(part.reader.pages) if part.reader else 0
        rows[part.section].append(
            Row(part.title, part.detail, part.sha256, page if pages else 0, pages, part.not_printed)
        )
        page += pages
    return [(SECTIONS[s], r) for s, r in rows.items()]


def build(case: Case, now: datetime | None = None) -> Bundle:
    """Gather, check and print the case's bundle; raise BundleError if a file changed."""
    now = now or timezone.now()
    head = heading(case, now)
    chronology_part = Part(
        CHRONOLOGY,
        chronology_file_name(case),
        "Chronology of the case",
        "Every event on record, oldest first, printed with this bundle",
        chronology_pdf(head, chronology(case, timezone.localdate(now))),
    )
    parts = [chronology_part, *_certificates(case), *_letters(case), *_minutes(case)]
    taken: set[str] = set()
    for part in parts:
        part.path = _unique(part.path, taken)
        _read(part)
    found = case_readiness(case, timezone.localdate(now))
    cover = cover_pdf(head, checklist=found.checklist, groups=found.groups, contents=_rows(parts))
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)), outline_item="Cover and checklist")
    for part in parts:
        if part.reader is not None:
            writer.append(part.reader, outline_item=part.title)
    writer.add_metadata({"/Title": f"Referral bundle: case {case.reference}"})
    out = io.BytesIO()
    writer.write(out)
    return Bundle(case, now, out.getvalue(), parts)


def bundle_pdf(case: Case, now: datetime | None = None) -> bytes:
    """Return the case's referral bundle as one PDF."""
    return build(case, now).pdf


def zip_file_name(case: Case) -> str:
    return safe_name(f"{case.reference}-referral-bundle.zip")


def bundle_zip(case: Case, now: datetime | None = None) -> tuple[bytes, str]:
    """Return a zip of the bundle PDF, every file as stored and a manifest; and its SHA-256."""
    found = build(case, now)
    stamp = timezone.localtime(found.built_at).timetuple()[:6]
    files = [(found.file_name, found.pdf, "", "bundle", "The referral bundle (PDF)")]
    files += [(p.path, p.content, p.stored_sha256, p.section, p.title) for p in found.parts]
    listed: list[dict[str, object]] = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, content, stored, kind, title in files:
            # Each stored file was checked against its record as it was read (_verified),
            # so its own hash and the stored one agree.
            row = {"path": path, "kind": kind, "title": title, "size": len(content)}
            row["sha256"] = hashlib.sha256(content).hexdigest()
            listed.append(row | ({"stored_sha256": stored} if stored else {}))
            # PDFs and DOCX are compressed already: store them as they are.
            archive.writestr(zipfile.ZipInfo(path, stamp), content, zipfile.ZIP_STORED)
        manifest = {
            "case": case.reference,
            "service": case.service.name,
            "built_at": found.built_at.isoformat(),
            "files": listed,
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        archive.writestr(zipfile.ZipInfo(MANIFEST, stamp), text, zipfile.ZIP_DEFLATED)
    data = out.getvalue()
    return data, hashlib.sha256(data).hexdigest()
