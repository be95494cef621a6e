"""The built-in letters' words: short, plain, complete, and in the caregiver's language."""

from pathlib import Path

import pytest

from stepwise.letters.readability import flesch_kincaid_grade, words
from stepwise.letters.wording import (
    FIELDS,
    WORDING_DIR,
    WordingError,
    compose,
    fill,
    language_code,
    load_wording,
    placeholders,
)
from stepwise.rules.pack import load_pack

from .demo import VALUES

# The evidence in DESIGN.md: a core message under about 150 words at about grade 6-8.
MAX_CORE_WORDS = 150
MAX_CORE_GRADE = 8.0
# The numbers open the letter in one short paragraph.
MAX_NUMBERS_WORDS = 50

LETTERS = [
    (pack, letter)
    for pack in ("nz", "england", "kent")
    for letter in load_pack(pack).letters.all_letters
]
IDS = [f"{pack}-{letter.key}" for pack, letter in LETTERS]


@pytest.mark.parametrize(("pack", "letter"), LETTERS, ids=IDS)
def test_every_core_message_is_short_and_plain(pack, letter):
    composed = compose(load_pack(pack), letter, VALUES)
    core = composed.core_message
    assert len(words(core)) <= MAX_CORE_WORDS, len(words(core))
    assert flesch_kincaid_grade(core) <= MAX_CORE_GRADE, flesch_kincaid_grade(core)
    assert len(words(composed.numbers)) <= MAX_NUMBERS_WORDS


@pytest.mark.parametrize(("pack", "letter"), LETTERS, ids=IDS)
def test_every_letter_opens_with_the_childs_own_numbers(pack, letter):
    composed = compose(load_pack(pack), letter, VALUES)
    assert composed.numbers.startswith("Aroha has ")
    if letter.set_key == "non_enrolment":
        assert "since 3 August 2026" in composed.numbers and "190 school days" in composed.numbers
    else:
        assert "12 of 30 school days this term" in composed.numbers
        assert "about 76 school days in a year" in composed.numbers


@pytest.mark.parametrize(("pack", "letter"), LETTERS, ids=IDS)
def test_every_letter_carries_the_law_after_the_core_message(pack, letter):
    composed = compose(load_pack(pack), letter, VALUES)
    law = " ".join(composed.legal)
    act = "Education and Training Act 2020" if pack == "nz" else "Education Act 1996"
    assert act in law
    assert "prosecut" in law.lower() or "Magistrates' Court" in law
    assert act not in composed.core_message  # the law comes after the plain words


def test_letters_grow_firmer_step_by_step():
    for pack in ("nz", "england"):
        for letter_set in load_pack(pack).letters.sets:
            last = compose(load_pack(pack), letter_set.letters[-1], VALUES)
            first = compose(load_pack(pack), letter_set.letters[0], VALUES)
            assert "referred" in " ".join(last.core) or "sent" in " ".join(last.core)
            assert "prosecut" not in " ".join(first.core).lower()
    nz = load_pack("nz").letters.set_for("chronic_absence")
    assert compose(load_pack("nz"), nz.letters[2], VALUES).subject.startswith("Formal warning")


@pytest.mark.parametrize("path", sorted(WORDING_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_wording_file_uses_only_known_placeholders(path):
    pack_key, language = path.stem.split(".")
    data = load_wording(pack_key, language)
    for words_ in [data["common"], *data["letters"].values()]:
        for text in words_.values():
            assert placeholders(str(text)) <= set(FIELDS)
    assert set(data["letters"]) == {
        letter.key for letter in load_pack(pack_key).letters.all_letters
    }


def test_a_missing_value_is_refused_rather_than_left_blank():
    with pytest.raises(WordingError, match=r"no value for \{child\}"):
        fill("Dear {child},", {"child": "  "})
    with pytest.raises(WordingError, match="may not carry a format"):
        fill("{child!r}", VALUES)


# Each case: (what a caregiver's record says, the language code Stepwise reads).
LANGUAGES = [
    ("", "en"),
    ("English", "en"),
    ("en-NZ", "en"),
    ("mi", "mi"),
    ("Te reo Māori", "mi"),
    ("Maori", "mi"),
    ("Samoan", "sm"),
    ("cy_GB", "cy"),
]


@pytest.mark.parametrize(("written", "code"), LANGUAGES)
def test_a_preferred_language_is_read_as_a_code(written, code):
    assert language_code(written) == code


@pytest.fixture
def with_te_reo(tmp_path: Path) -> Path:
    """A wording folder with the English files and a (test) te reo Māori file for letter 1."""
    for source in WORDING_DIR.glob("*.toml"):
        (tmp_path / source.name).write_text(source.read_text())
    english = (WORDING_DIR / "nz.en.toml").read_text()
    common = english.split("[letters.")[0].replace('language = "en"', 'language = "mi"')
    letter_1 = "[letters." + english.split("[letters.")[1]
    (tmp_path / "nz.mi.toml").write_text(
        common.replace('greeting = "Tēnā koe {caregiver},"', 'greeting = "TEST-MI {caregiver},"')
        + letter_1
    )
    return tmp_path


def test_the_caregivers_language_is_chosen_with_english_as_the_fallback(with_te_reo):
    pack = load_pack("nz")
    chronic = pack.letters.set_for("chronic_absence")
    in_te_reo = compose(pack, chronic.letters[0], VALUES, "Te reo Māori", with_te_reo)
    assert in_te_reo.language == "mi"
    assert in_te_reo.greeting == "TEST-MI Mere Ngata,"
    # Letter 2 has no te reo Māori version yet: it goes in English, and says so.
    fallback = compose(pack, chronic.letters[1], VALUES, "mi", with_te_reo)
    assert fallback.language == "en"
    assert fallback.greeting == "Tēnā koe Mere Ngata,"
    # A language with no file at all falls back too.
    assert compose(pack, chronic.letters[0], VALUES, "Samoan", with_te_reo).language == "en"


def test_kent_uses_englands_words():
    kent, england = load_pack("kent"), load_pack("england")
    letter = kent.letters.letter("concern")
    assert compose(kent, letter, VALUES) == compose(england, letter, VALUES)
