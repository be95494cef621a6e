"""Turn a composed letter into a PDF/A-2b with Typst.

The layout (typst/letter.typ) is fixed; everything that varies arrives as one JSON
document in `sys.inputs.data` and is set as text, never spliced into markup, so a
name such as "#set page(...)" prints as written. Compiled by stepwise.documents.pdf.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from stepwise.documents.pdf import compile_pdf
from stepwise.rules.days import long_date

from .wording import Composed

LAYOUT = Path(__file__).parent / "typst" / "letter.typ"


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


def render_pdf(data: dict[str, object], *, at: datetime) -> bytes:
    """Return the PDF/A bytes of one letter; `at` is the creation time written into it."""
    return compile_pdf(LAYOUT, data, at=at)
