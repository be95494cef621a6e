"""Lay out a case's chronology and the referral bundle's cover as PDF/A with Typst.

The layouts (typst/chronology.typ, typst/cover.typ) are fixed; everything that varies
arrives as one JSON document and is set as text, never spliced into markup, so a
name such as "#set page(...)" prints as written. Compiled by stepwise.documents.pdf.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from stepwise.cases.chronology import Item
from stepwise.documents.pdf import compile_pdf
from stepwise.rules import readiness
from stepwise.rules.days import long_date

CHRONOLOGY = Path(__file__).parent / "typst" / "chronology.typ"
COVER = Path(__file__).parent / "typst" / "cover.typ"
# Events with a time of their own; the rest (a term's register, a threshold) have a day only.
TIMED = ("log", "letter", "referral")
STATE_LABELS = {
    readiness.MET: "Met",
    readiness.MISSING: "Missing",
    readiness.WARNING: "Warning",
    readiness.STOP: "Stop",
}


@dataclass(frozen=True)
class Heading:
    """Whose case it is, and when it was printed."""

    reference: str
    service: str
    child: str
    printed_at: datetime

    @property
    def printed(self) -> str:
        local = timezone.localtime(self.printed_at)
        return f"Printed on {long_date(local.date())} at {local:%H:%M}"


@dataclass(frozen=True)
class Row:
    """One file of the bundle as its cover lists it."""

    title: str
    detail: str
    sha256: str
    first_page: int = 0  # counted from the page after the cover; 0: not printed
    pages: int = 0
    not_printed: str = ""  # why it is in the zip only


def _when(item: Item) -> str:
    local = timezone.localtime(item.at)
    day = f"{local.day} {local:%b %Y}"
    return f"{day}\n{local:%H:%M}" if item.source in TIMED else day


def chronology_pdf(heading: Heading, items: list[Item]) -> bytes:
    """Return the chronology as PDF/A: every event with its date, title and detail."""
    data: dict[str, object] = {
        "title": f"Chronology: case {heading.reference}",
        "reference": heading.reference,
        "service": heading.service,
        "child": heading.child,
        "printed": heading.printed,
        "footer": f"Case {heading.reference}: chronology",
        "intro": f"{len(items)} event{'' if len(items) == 1 else 's'} on record, oldest "
        "first. A corrected entry stays, marked, before its correction.",
        "items": [
            {
                "when": _when(item),
                "title": item.title,
                "detail": item.detail,
                "corrected": item.superseded,
            }
            for item in items
        ],
    }
    return compile_pdf(CHRONOLOGY, data, at=heading.printed_at)


def cover_pdf(
    heading: Heading,
    *,
    checklist: readiness.Checklist | None,
    groups: list[tuple[str, list[readiness.Result]]],
    contents: list[tuple[str, list[Row]]],
) -> bytes:
    """Return the bundle's cover: the checklist as evaluated now, and what the bundle holds."""
    results = [r for _, rs in groups for r in rs]
    counts = ", ".join(
        f"{sum(r.state == state for r in results)} {STATE_LABELS[state].lower()}"
        for state in readiness.STATES
    )
    data: dict[str, object] = {
        "title": f"Referral bundle: case {heading.reference}",
        "heading": checklist.label if checklist else "Referral bundle",
        "reference": heading.reference,
        "service": heading.service,
        "child": heading.child,
        "to": f"For {checklist.team}" if checklist else "",
        "printed": heading.printed,
        "footer": f"Case {heading.reference}: referral bundle",
        "summary": f"The checklist as it stands when this bundle was printed: {counts}."
        if checklist
        else "This case's rule pack has no referral checklist.",
        "source": f"Source: {checklist.source}" if checklist else "",
        "groups": [
            {
                "name": group,
                "items": [
                    {
                        "state": r.state,
                        "label": STATE_LABELS[r.state],
                        "text": r.item.text,
                        "reason": r.reason,
                    }
                    for r in rs
                ],
            }
            for group, rs in groups
        ],
        "contents_intro": "After these pages, in this order. Each file's SHA-256 is the "
        "one recorded when it was kept; the zip of the bundle holds every file as stored, "
        "with a manifest of the same fingerprints.",
        "contents": [
            {
                "name": name,
                "empty": "None on record.",
                "rows": [r.__dict__ for r in rows],
            }
            for name, rows in contents
        ],
    }
    return compile_pdf(COVER, data, at=heading.printed_at)
