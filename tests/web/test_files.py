"""A file is always handed out as a download, named for old and new browsers alike."""

import pytest

from stepwise.web.files import ascii_file_name, content_disposition, download

# (the stored name, the ASCII fallback, the UTF-8 name as filename* carries it)
NAMES = [
    ("minutes.pdf", "minutes.pdf", "minutes.pdf"),
    ("Hui ā-whānau.pdf", "Hui a-whanau.pdf", "Hui%20%C4%81-wh%C4%81nau.pdf"),
    ("王小明.pdf", "___.pdf", "%E7%8E%8B%E5%B0%8F%E6%98%8E.pdf"),
    ('a "quoted"\\name\r\n.txt', "a _quoted__name__.txt", "a%20_quoted__name__.txt"),
    ("../../etc/passwd", "_.._etc_passwd", "_.._etc_passwd"),
    ("", "download", "download"),
]


@pytest.mark.parametrize(("name", "fallback", "encoded"), NAMES)
def test_a_file_name_is_given_in_ascii_and_in_utf8(name, fallback, encoded):
    header = content_disposition(name)
    assert header == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    assert header.isascii()


def test_a_download_is_never_shown_inline_or_sniffed():
    response = download(b"<html><script>alert(1)</script>", "text/plain", "notes ā.html")
    assert response["Content-Disposition"].startswith("attachment; ")
    assert "=?utf-8?" not in response["Content-Disposition"].lower()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"


def test_a_name_in_another_script_keeps_its_shape_in_ascii():
    assert ascii_file_name("Tāufaʻahau 王.docx") == "Taufa_ahau _.docx"
