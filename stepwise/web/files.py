"""Serve a stored file as a download, never as a page of this site.

Every file Stepwise hands out (an attachment someone uploaded, a letter, a certificate,
a bundle, an export) goes through `download`: `Content-Disposition: attachment` with
the name twice, as RFC 6266 asks: `filename*` in UTF-8 for browsers (all current ones)
and a plain-ASCII `filename` for anything older. Django would otherwise encode a
non-ASCII name as RFC 2047, which browsers ignore, falling back to showing the file
inline, on our origin. `nosniff` stops a browser from guessing HTML in a text file.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse

# Characters a file name in a header must not carry: quotes, backslashes, controls, and
# the separators of folders.
UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')


def ascii_file_name(name: str) -> str:
    """Return the name in plain ASCII: accents dropped, letters of other scripts as "_"."""
    plain = "".join(
        c if c.isascii() else "" if unicodedata.combining(c) else "_"
        for c in unicodedata.normalize("NFKD", name)
    )
    return UNSAFE.sub("_", plain).strip(" .") or "download"


def content_disposition(name: str) -> str:
    """Return an `attachment` Content-Disposition naming the file for old and new browsers."""
    clean = UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or "download"
    return (
        f'attachment; filename="{ascii_file_name(clean)}"; '
        f"filename*=UTF-8''{quote(clean, safe='')}"
    )


def download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    """Answer with a file to save, never to show in the browser."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
