"""Which files a case may keep, judged by their content as well as their name.

A case keeps evidence: scans and PDFs of letters and minutes, photos, Word documents,
plain text and emails. Anything else (a web page, a script, a program) is refused, and
so is a file whose content is not what its name says: a web page renamed "minutes.pdf"
is still a web page. The content type kept is the one found here, never the one the
browser sent.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 documents and Outlook messages
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# The header fields an email file starts with (RFC 5322), as mail programs save one.
EMAIL_FIELDS = (
    b"from:",
    b"to:",
    b"subject:",
    b"date:",
    b"received:",
    b"return-path:",
    b"message-id:",
    b"mime-version:",
    b"delivered-to:",
    b"x-",
)


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _is_docx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


def _is_heif(content: bytes) -> bool:
    return content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS


def _is_email(content: bytes) -> bool:
    # Emails are 7-bit text in the main; a saved one may hold 8-bit headers, so any
    # text without NUL will do, as long as it opens with header fields.
    first = content.lstrip()[:200].lower()
    return b"\x00" not in content[:65536] and first.startswith(EMAIL_FIELDS)


@dataclass(frozen=True)
class Kind:
    label: str  # "a PDF", as in "is named as a PDF"
    content_type: str
    extensions: tuple[str, ...]
    matches: Callable[[bytes], bool]


KINDS = (
    Kind("a PDF", "application/pdf", (".pdf",), lambda c: c.startswith(b"%PDF-")),
    Kind("a PNG image", "image/png", (".png",), lambda c: c.startswith(b"\x89PNG\r\n\x1a\n")),
    Kind("a JPEG image", "image/jpeg", (".jpg", ".jpeg"), lambda c: c.startswith(b"\xff\xd8\xff")),
    Kind("a GIF image", "image/gif", (".gif",), lambda c: c[:6] in (b"GIF87a", b"GIF89a")),
    Kind("a HEIC photo", "image/heic", (".heic", ".heif"), _is_heif),
    Kind(
        "a Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        _is_docx,
    ),
    Kind("a Word 97-2003 document", "application/msword", (".doc",), lambda c: c[:8] == OLE2),
    Kind("an Outlook message", "application/vnd.ms-outlook", (".msg",), lambda c: c[:8] == OLE2),
    Kind("an email", "message/rfc822", (".eml",), _is_email),
    Kind("a plain text file", "text/plain; charset=utf-8", (".txt",), _is_text),
)
KEPT_TYPES = frozenset(k.content_type for k in KINDS)
ACCEPTED = (
    "a PDF, an image (PNG, JPEG, GIF or HEIC), a Word document (.docx or .doc), "
    "plain text (.txt) or an email (.eml or .msg)"
)


def size_text(size: int) -> str:
    """Return a file size as a person reads it: "12.3 MB", "36 KB", "512 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} bytes"


def too_big(name: str, size: int, cap: int, what: str) -> str | None:
    """Return why a file over its cap is refused, or None if it is within it."""
    if size <= cap:
        return None
    return f"{name} is {size_text(size)}: {what} may be at most {size_text(cap)}."


class Refused(ValueError):
    """A file a case may not keep; the message says which and why."""


def served_type(stored: str) -> str:
    """Return the type to serve a kept file as: one of ours, else bytes to save."""
    return stored if stored in KEPT_TYPES else "application/octet-stream"


def extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def accepted_kind(name: str, content: bytes) -> Kind:
    """Return the kind of an uploaded file, or raise Refused saying what was wrong with it."""
    ext = extension(name)
    kind = next((k for k in KINDS if ext in k.extensions), None)
    if kind is None:
        what = f"{ext} files" if ext else "files without an extension such as .pdf"
        raise Refused(f"{name} was not attached: {what} cannot be kept. Attach {ACCEPTED}.")
    if not kind.matches(content):
        raise Refused(
            f"{name} was not attached: it is named as {kind.label}, but its content is not "
            f"{kind.label}. Save it again as {kind.label} and attach that."
        )
    return kind
