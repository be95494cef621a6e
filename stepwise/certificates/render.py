"""Turn a certificate's rows into a PDF/A-2b with Typst, as letters are.

The layout (typst/certificate.typ) is fixed; everything that varies arrives as one
JSON document in `sys.inputs.data` and is set as text, never spliced into markup,
so a name such as "#set page(...)" prints as written. A year of ~190 school days
is laid out as a month-by-day grid (AM above PM): one landscape page.
"""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from stepwise.documents.pdf import compile_pdf
from stepwise.rules.certificate import CertificateRows, Day, unresolved_codes
from stepwise.rules.days import long_date
from stepwise.rules.labels import code_class_label, figure_label
from stepwise.rules.pack import Pack

LAYOUT = Path(__file__).parent / "typst" / "certificate.typ"
MISSING_MARK = "–"  # printed where an open session on roll has no mark


@dataclass(frozen=True)
class Heading:
    """Who and what the certificate is about, and who issued it."""

    school_name: str
    school_number: str
    student_name: str
    student_id: str
    birth_date: date
    period: str  # e.g. "The whole of the 2025/26 school year"
    issued_on: date
    issued_by: str
    issued_for: str  # the issuer's organisation


def _cell_kind(when: date | None, day: Day | None, inside: bool) -> str:
    # The grid's shading: "" a school day; "we" weekend; "cl" closed; "off" not on roll;
    # "x" no such date, or outside the certificate's period.
    if not inside or when is None:
        return "x"
    if day is None:  # no register slot: a weekend, or a holiday between terms
        return "we" if when.weekday() >= 5 else "cl"
    if not day.open:
        return "cl"
    return "" if day.on_roll else "off"


def _marks(day: Day | None, cell: str) -> tuple[str, str]:
    """Return the two codes a cell prints: a missing mark shows only on an open day on roll."""
    if day is None or cell not in ("", "off"):
        return "", ""
    gap = MISSING_MARK if cell == "" else ""
    am, pm = (day.am or gap, day.pm or gap)
    # A session the school was closed for prints nothing: no mark was possible.
    return ("" if "AM" in day.shut else am), ("" if "PM" in day.shut else pm)


def _months(rows: CertificateRows, flagged: set[str]) -> list[dict[str, object]]:
    by_day = {d.day: d for d in rows.days}
    months: list[dict[str, object]] = []
    year, month = rows.first.year, rows.first.month
    while (year, month) <= (rows.last.year, rows.last.month):
        length = month_calendar.monthrange(year, month)[1]
        am: list[str] = []
        pm: list[str] = []
        kind: list[str] = []
        for n in range(1, 32):
            day = date(year, month, n) if n <= length else None
            found = by_day.get(day) if day else None
            inside = day is not None and rows.first <= day <= rows.last
            cell = _cell_kind(day, found, inside)
            kind.append(cell)
            morning, afternoon = _marks(found, cell)
            am.append(morning)
            pm.append(afternoon)
        months.append(
            {
                "label": f"{date(year, month, 1):%b %Y}",
                "am": am,
                "pm": pm,
                "kind": kind,
                "flag": [[a in flagged, p in flagged] for a, p in zip(am, pm, strict=True)],
            }
        )
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return months


def certificate_data(*, rows: CertificateRows, pack: Pack, heading: Heading) -> dict[str, object]:
    """Return the JSON document the layout reads."""
    t = rows.totals
    percent = f"{100 * t.present / t.possible:.1f}%" if t.possible else "–"
    flagged = set(rows.unresolved_codes)
    sessions = pack.word("sessions")
    return {
        "title": f"Registration certificate: {heading.student_name}",
        "school": {"name": heading.school_name, "number": heading.school_number},
        "student": {
            "name": heading.student_name,
            "id_label": pack.word("student_id"),
            "id": heading.student_id,
            "birth_date": long_date(heading.birth_date),
        },
        "period": heading.period,
        "dates": f"{long_date(rows.first)} to {long_date(rows.last)}",
        "issued": f"Issued on {long_date(heading.issued_on)} by {heading.issued_by}, "
        f"{heading.issued_for}",
        "pack": pack.name,
        "sessions_word": sessions,
        "months": _months(rows, flagged),
        "missing_mark": MISSING_MARK,
        "totals": [
            [f"Possible {sessions}", str(t.possible)],
            ["Present", str(t.present)],
            ["Attendance", percent],
            [figure_label(pack, "justified"), str(t.justified)],
            [figure_label(pack, "unjustified"), str(t.unjustified)],
            [f"Not possible {sessions}", str(t.not_counted)],
            ["No mark recorded", str(t.missing)],
        ],
        "key": [
            [k.code, k.meaning, code_class_label(pack, k.category, k.half_day), str(k.sessions)]
            for k in rows.key
        ],
        "unresolved": [
            f"{u.code} on {u.day:%a} {long_date(u.day)} {u.session}" for u in rows.unresolved
        ],
        "unresolved_codes": ", ".join(rows.unresolved_codes),
        "unresolved_watch": ", ".join(sorted(unresolved_codes(pack))) or "none",
    }


def render_pdf(data: dict[str, object], *, at: datetime) -> bytes:
    """Return the PDF/A bytes of one certificate; `at` is the creation time written into it."""
    return compile_pdf(LAYOUT, data, at=at)
