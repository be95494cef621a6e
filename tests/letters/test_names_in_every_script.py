"""A letter prints a caregiver's name in every script families here write it in.

The fonts are Debian's Noto families, installed by `make` (the `fonts` target); a
character no installed font holds is printed as its code point in brackets, visibly,
rather than failing the letter.
"""

import pytest

from stepwise.letters.render import Addressee, letter_data, render_pdf
from stepwise.letters.wording import compose
from stepwise.rules.pack import load_pack

from .demo import SENDER, VALUES
from .test_render import AT, SENT_ON, pdf_text

# (the script, a name written in it)
NAMES = [
    ("Chinese", "王小明"),
    ("Japanese", "山田 はなこ"),
    ("Korean", "김민준"),
    ("Arabic", "محمد"),
    ("Devanagari", "अर्जुन शर्मा"),
    ("Tongan", "Sioneʻi Tāufaʻāhau"),
    ("Samoan", "Fetuʻu Leiātaua"),
    ("Māori", "Tūī Ngāwhika"),
    ("emoji", "Mia 😀"),
]
BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e"))


def render(caregiver: str) -> bytes:
    pack = load_pack("nz")
    letter = pack.letters.set_for("chronic_absence").letters[0]
    composed = compose(pack, letter, {**VALUES, "caregiver": caregiver})
    data = letter_data(
        composed=composed,
        sender=SENDER,
        addressee=Addressee(caregiver, ("12 Rātā Street", "Hamilton 3200")),
        sent_on=SENT_ON,
        reference="C2026-00012",
        title=letter.title,
    )
    return render_pdf(data, at=AT)


@pytest.mark.parametrize(("script", "name"), NAMES, ids=[s for s, _ in NAMES])
def test_a_name_in_any_script_prints(script, name, tmp_path):
    text = pdf_text(render(name), tmp_path).translate(BIDI_MARKS)
    assert name.split()[0] in text, f"{script}: {text[:300]}"
    assert name.split()[-1] in text
    assert "[U+" not in text, f"{script}: a font is missing"


def test_a_character_no_font_holds_prints_as_its_code_point(tmp_path):
    # U+10FFFD is a private-use character: no font anywhere draws it.
    text = pdf_text(render("Aroha \U0010fffd Ngata"), tmp_path)
    assert "Tēnā koe Aroha [U+10FFFD] Ngata," in text


def test_a_lone_surrogate_from_a_json_body_prints_as_its_code_point(tmp_path):
    text = pdf_text(render("Aroha \ud800 Ngata"), tmp_path)
    assert "Tēnā koe Aroha [U+D800] Ngata," in text
