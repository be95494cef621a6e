"""Every built-in letter renders to a PDF/A whose page 1 draws and whose text is right.

Uses poppler-utils (pdftoppm, pdftotext), installed by `make chromium`: a missing tool
fails the test rather than skipping it.
"""

import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from stepwise.letters.render import Addressee, address_lines, letter_data, render_pdf
from stepwise.letters.wording import compose
from stepwise.rules.pack import load_pack

from .demo import MARKUP_NAME, SENDER, VALUES

SENT_ON = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
LETTERS = [
    (pack, letter)
    for pack in ("nz", "england", "kent")
    for letter in load_pack(pack).letters.all_letters
]
IDS = [f"{pack}-{letter.key}" for pack, letter in LETTERS]
WORD_BOX = re.compile(
    r'yMin="(?P<top>[\d.]+)" xMax="[\d.]+" yMax="(?P<bottom>[\d.]+)">(?P<word>[^<]+)<'
)
# The legal wording each pack's letters must print, whatever the letter.
LAW = {
    "nz": "Education and Training Act 2020",
    "england": "section 444 of the Education Act 1996",
    "kent": "section 444 of the Education Act 1996",
}


def render(pack_key: str, letter, caregiver: str = "Mere Ngata") -> bytes:
    pack = load_pack(pack_key)
    composed = compose(pack, letter, {**VALUES, "caregiver": caregiver})
    data = letter_data(
        composed=composed,
        sender=SENDER,
        addressee=Addressee(caregiver, address_lines("12 Rātā Street, Hamilton 3200")),
        sent_on=SENT_ON,
        reference="C2026-00012",
        title=letter.title,
    )
    return render_pdf(data, at=AT)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())  # one line: wrapping is the layout's business


def page_one_png(pdf: bytes, tmp_path: Path) -> bytes:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(path),
         str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return (tmp_path / "page.png").read_bytes()


@pytest.mark.parametrize(("pack", "letter"), LETTERS, ids=IDS)
def test_every_letter_renders_with_names_dates_and_the_law(pack, letter, tmp_path):
    pdf = render(pack, letter)
    assert pdf.startswith(b"%PDF-")
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf and b"<pdfaid:conformance>B" in pdf
    png = page_one_png(pdf, tmp_path)
    assert png.startswith(b"\x89PNG") and len(png) > 5_000  # a drawn page, not a blank one
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "Mere Ngata",
        "12 Rātā Street",
        "Aroha",
        "20 November 2026",
        "Kōwhai Attendance Service",
        "Sam Walker",
        "09 555 0142",
        "C2026-00012",
        LAW[pack],
    ):
        assert expected in text, expected
    assert not re.search(r"[{}]", text), "a placeholder was left unfilled"
    if letter.key == "formal_meeting":
        assert "Tuesday 8 December 2026 at 3.30pm" in text


def test_a_name_made_of_markup_prints_as_written(tmp_path):
    letter = load_pack("nz").letters.set_for("chronic_absence").letters[0]
    text = pdf_text(render("nz", letter, caregiver=MARKUP_NAME), tmp_path)
    assert f"Tēnā koe {MARKUP_NAME}," in text
    assert text.count(MARKUP_NAME) == 2  # the address block and the greeting


def test_the_same_letter_renders_to_the_same_bytes():
    letter = load_pack("england").letters.letter("concern")
    assert render("england", letter) == render("england", letter)


def test_the_address_block_runs_on_from_the_name_for_a_window_envelope(tmp_path):
    # The name, then the address on the very next line: no empty line between them.
    letter = load_pack("nz").letters.all_letters[0]
    path = tmp_path / "letter.pdf"
    path.write_bytes(render("nz", letter, caregiver="Mere Ngata"))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    words = {m["word"]: (float(m["top"]), float(m["bottom"])) for m in WORD_BOX.finditer(boxes)}
    name_top, name_bottom = words["Ngata"]
    street_top, _ = words["Rātā"]
    assert street_top - name_top < 1.5 * (name_bottom - name_top), (name_top, street_top)
