"""Count a PDF's pages before Stepwise agrees to keep or print it.

A small file can hold tens of thousands of pages (one page object listed again and
again), and every bundle that prints it would spend seconds on them. qpdf (through
pikepdf) walks the page tree itself rather than trusting the count the file states.
"""

import io

import pikepdf


def page_count(content: bytes) -> int | None:
    """Return how many pages a PDF has, or None if it cannot be read (broken, encrypted)."""
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            return len(pdf.pages)
    except Exception:  # qpdf raises several kinds on a malformed or encrypted file
        return None
