"""Compile a Typst layout to PDF/A-2b, with the fonts every name needs.

Every layout reads what varies as one JSON document in `sys.inputs.data`, set as text and
never spliced into markup, so a name such as "#set page(...)" prints as written. Fonts
come from the folders in settings.PDF_FONT_DIRS (Debian's Noto families, installed by
`make`), tried in the order typst/common.typ lists them.

PDF/A needs every character drawn from an embedded font. A character that no installed
font holds (a private-use code point, or a script whose font is missing on this
machine) is printed as its code point in brackets, "[U+10FFFD]", so the document is
still made and shows plainly what could not be drawn; it is never a server error.
"""

import json
import logging
import re
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import typst

PDF_STANDARD: Final = "a-2b"  # PDF/A-2b: archival, all fonts embedded
# Layouts live beside their apps; compiled from stepwise/ so each can import
# /documents/typst/common.typ.
ROOT = Path(__file__).resolve().parent.parent
# Typst names each character it could not draw: `"王"`, or `"\u{10fffd}"` when unprintable.
UNDRAWN = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')
ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
RETRIES = 3  # Typst reports every undrawn character at once: one retry is the usual
_local = threading.local()
log = logging.getLogger(__name__)


def font_dirs() -> list[str]:
    """Return the folders of fonts to use that exist on this machine."""
    from django.conf import settings

    wanted = getattr(settings, "PDF_FONT_DIRS", []) if settings.configured else []
    return [d for d in wanted if Path(d).is_dir()]


def _compiler(layout: Path) -> typst.Compiler:
    # One compiler per layout and thread: it keeps the layout and fonts parsed between PDFs.
    compilers = _local.__dict__.setdefault("compilers", {})
    if layout not in compilers:
        if not hasattr(_local, "fonts"):
            _local.fonts = typst.Fonts(
                include_system_fonts=False, include_embedded_fonts=True, font_paths=font_dirs()
            )
        compilers[layout] = typst.Compiler(
            layout, root=ROOT, font_paths=_local.fonts, ignore_system_fonts=True
        )
    return compilers[layout]


def _unescape(literal: str) -> str:
    return ESCAPE.sub(
        lambda m: (
            chr(int(m.group(1), 16))
            if m.group(1)
            else {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(2), m.group(2))
        ),
        literal,
    )


def undrawn(error: typst.TypstError) -> set[str]:
    """Return the characters a failed compile could not draw with any font."""
    found = UNDRAWN.findall(f"{error.message}\n{error.diagnostic}")
    return {c for text in found for c in _unescape(text) if not c.isascii()}


def code_points(value: Any, chars: set[str]) -> Any:
    """Return `value` with each of `chars` (and any lone surrogate) written as [U+XXXX]."""
    if isinstance(value, str):
        return "".join(
            f"[U+{ord(c):04X}]" if c in chars or "\ud800" <= c <= "\udfff" else c for c in value
        )
    if isinstance(value, list):
        return [code_points(v, chars) for v in value]
    if isinstance(value, dict):
        return {k: code_points(v, chars) for k, v in value.items()}
    return value


def compile_pdf(layout: Path, data: dict[str, object], *, at: datetime) -> bytes:
    """Return the PDF/A bytes of a layout that reads `data` as JSON; `at` is its creation time."""
    printable: dict[str, object] = data
    replaced: set[str] = set()
    for _ in range(RETRIES):
        try:
            text = json.dumps(printable, ensure_ascii=False)
            text.encode()
        except UnicodeEncodeError:  # a lone surrogate, which a JSON body can smuggle in
            printable = code_points(printable, replaced)
            text = json.dumps(printable, ensure_ascii=False)
        try:
            pdf = _compiler(layout).compile(
                format="pdf",
                sys_inputs={"data": text},
                pdf_standards=PDF_STANDARD,
                timestamp=int(at.timestamp()),
            )
        except typst.TypstError as error:
            missing = undrawn(error) - replaced
            if not missing:
                raise  # not a character we can stand in for: a fault in the layout
            replaced |= missing
            # Code points only: the log must never carry a child's name.
            log.warning(
                "%s: no font draws %s; printed as code points",
                layout.name,
                " ".join(f"U+{ord(c):04X}" for c in sorted(missing)),
            )
            printable = code_points(data, replaced)
            continue
        assert isinstance(pdf, bytes)
        return pdf
    raise RuntimeError(f"{layout.name}: characters could not be drawn after {RETRIES} tries")
