"""Turn a composed letter into a PDF/A-2b with Typst.

The layout (typst/letter.typ) is fixed; everything that varies arrives as one JSON
document in `sys.inputs.data` and is set as text, never spliced into markup, so a
name such as "#set page(...)" prints as written. Pure: no Django.
"""

import json
import threading
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

import typst

from .wording import Composed

LAYOUT = Path(__file__).parent / "typst" / "letter.typ"
PDF_STANDARD: Final = "a-2b"  # PDF/A-2b: archival, all fonts embedded
_local = threading.local()


@dataclass(frozen=True)
class Sender:
    name: str
    address: tuple[str, ...]
    phone: str = ""
    email: str = ""
    signatory: str = ""
    signatory_title: str = ""


@dataclass(frozen=True)
class Addressee:
    name: str
    address: tuple[str, ...]


def address_lines(address: str) -> tuple[str, ...]:
    """Split an address kept on one line ("1 Road, Town 1010") or several into lines."""
    parts = [p.strip() for line in address.splitlines() for p in line.split(",")]
    return tuple(p for p in parts if p)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def letter_data(
    *,
    composed: Composed,
    sender: Sender,
    addressee: Addressee,
    sent_on: date,
    reference: str,
    title: str,
) -> dict[str, object]:
    """Return the JSON document the layout reads."""
    return {
        "title": title,
        "paper": composed.paper,
        "language": composed.language,
        "sender": asdict(sender) | {"address": list(sender.address)},
        "recipient": {"name": addressee.name, "address": list(addressee.address)},
        "date": long_date(sent_on),
        "reference": reference,
        "reference_label": composed.reference_label,
        "page_label": composed.page_label,
        "greeting": composed.greeting,
        "subject": composed.subject,
        "numbers": composed.numbers,
        "core": list(composed.core),
        "legal_heading": composed.legal_heading,
        "legal": list(composed.legal),
        "sign_off": composed.sign_off,
    }


def _compiler(layout: Path) -> typst.Compiler:
    # One compiler per layout and thread: it keeps the layout and fonts parsed between PDFs.
    compilers = _local.__dict__.setdefault("compilers", {})
    if layout not in compilers:
        compilers[layout] = typst.Compiler(layout, root=layout.parent, ignore_system_fonts=True)
    return compilers[layout]


def compile_pdf(layout: Path, data: dict[str, object], *, at: datetime) -> bytes:
    """Return the PDF/A bytes of a Typst layout that reads `data` as JSON from sys.inputs.

    Other documents (the chronology, the referral bundle's cover) use it as letters do.
    """
    pdf = _compiler(layout).compile(
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        pdf_standards=PDF_STANDARD,
        timestamp=int(at.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(data: dict[str, object], *, at: datetime) -> bytes:
    """Return the PDF/A bytes of one letter; `at` is the creation time written into it."""
    return compile_pdf(LAYOUT, data, at=at)
