"""The words of the built-in letters: chosen by pack and language, filled with a case's values.

Wording files are TOML beside this module, one per pack and language
(`wording/nz.en.toml`); an overlay pack (Kent) uses its base pack's words. A
caregiver's preferred language picks the file; a letter missing from that language
is sent in English, and `Composed.language` says which was used. Placeholders are
`{name}` from FIELDS only: a wording file with any other is refused, and a value
missing at fill time is an error, so no letter leaves with a blank or a brace.

Pure: no Django. The filled text goes to the Typst layout as JSON strings.
"""

import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stepwise.rules.pack import LetterSpec, Pack

WORDING_DIR = Path(__file__).parent / "wording"
FALLBACK_LANGUAGE = "en"

# The placeholders a wording file may use, and what Stepwise fills them with.
FIELDS = {
    "child": "the child's given name",
    "child_full": "the child's full name",
    "caregiver": "the full name of the person the letter is addressed to",
    "school": "the child's school (or 'school' when none is recorded)",
    "sender": "the name of the service or school sending the letter",
    "contact_name": "who to contact: the caseworker, or the sender's signatory",
    "phone": "the sender's phone number",
    "days_missed": "school days the child missed this term (or since leaving school)",
    "days_possible": "school days so far this term",
    "days_per_year": "what this term's absence adds up to over a school year, in days",
    "weeks_per_year": "the same, in weeks",
    "school_year_days": "school days in a year (the pack's figure)",
    "not_enrolled_since": "the day the child was last known to be enrolled, or the case opened",
    "meeting": "when and where a meeting is (a letter input)",
    "reference": "the case reference",
}
# The parts of a letter, in order: the child's numbers, the core message, the law.
CORE_PARTS = ("opening", "support_offered", "what_happens_next")
LEGAL_PARTS = ("legal_obligation", "consequences")
REQUIRED = ("subject", "numbers", *CORE_PARTS, *LEGAL_PARTS)
COMMON = ("greeting", "sign_off", "legal_heading", "reference_label", "page_label")

# Common ways people write a language in a caregiver's record, to a code.
LANGUAGE_NAMES = {
    "english": "en",
    "maori": "mi",
    "māori": "mi",
    "te reo": "mi",
    "te reo maori": "mi",
    "te reo māori": "mi",
    "reo māori": "mi",
    "samoan": "sm",
    "gagana samoa": "sm",
    "gagana sāmoa": "sm",
    "tongan": "to",
    "lea faka-tonga": "to",
    "cook islands maori": "rar",
    "cook islands māori": "rar",
    "niuean": "niu",
    "hindi": "hi",
    "chinese": "zh",
    "mandarin": "zh",
    "welsh": "cy",
    "cymraeg": "cy",
    "polish": "pl",
    "urdu": "ur",
    "punjabi": "pa",
    "arabic": "ar",
}


class WordingError(ValueError):
    """A wording file is malformed, or a letter was filled with a value missing."""


@dataclass(frozen=True)
class Composed:
    """One letter's words, filled in, ready for the layout."""

    language: str  # the language actually used
    subject: str
    greeting: str
    numbers: str
    core: tuple[str, ...]
    legal_heading: str
    legal: tuple[str, ...]
    sign_off: str
    reference_label: str
    page_label: str
    paper: str

    @property
    def core_message(self) -> str:
        """The child's numbers and the core message: what the reading-level tests measure."""
        return "\n\n".join((self.numbers, *self.core))


def language_code(preferred: str) -> str:
    """Return a language code for what a caregiver's record says ("Te reo Māori" → "mi")."""
    text = preferred.strip().lower()
    if not text:
        return FALLBACK_LANGUAGE
    if text in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[text]
    return text.replace("_", "-").split("-")[0]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@cache
def load_wording(pack_key: str, language: str, directory: Path = WORDING_DIR) -> dict | None:
    """Return a wording file's tables, checked, or None when there is no such file."""
    path = directory / f"{pack_key}.{language}.toml"
    if not path.exists():
        return None
    with path.open("rb") as f:
        data = tomllib.load(f)
    common = data.get("common", {})
    for key, words in data.get("letters", {}).items():
        merged = {**common, **words}
        for part in (*REQUIRED, *COMMON):
            if not str(merged.get(part, "")).strip():
                raise WordingError(f"{path.name}: letter {key} has no {part}")
        for part, text in merged.items():
            unknown = placeholders(str(text)) - set(FIELDS)
            if unknown:
                raise WordingError(
                    f"{path.name}: {key}.{part} uses unknown {', '.join(sorted(unknown))}"
                )
    return data


def pack_chain(pack: Pack) -> list[str]:
    """Return the pack's key, then the packs it extends: where its words may come from."""
    chain = [pack.key]
    base = pack.extends
    if base and base != pack.key:
        chain.append(str(base))
    return chain


def words_for(
    pack: Pack, letter: LetterSpec, preferred_language: str, directory: Path = WORDING_DIR
) -> tuple[dict[str, str], str]:
    """Return a letter's words in the caregiver's language, or English, and the language used."""
    wanted = language_code(preferred_language)
    for language in dict.fromkeys((wanted, FALLBACK_LANGUAGE)):
        for key in pack_chain(pack):
            data = load_wording(key, language, directory)
            if data and letter.key in data.get("letters", {}):
                return {**data.get("common", {}), **data["letters"][letter.key]}, language
    raise WordingError(f"no wording for letter {letter.key} of pack {pack.key}")


def fill(text: str, values: dict[str, str]) -> str:
    """Fill `{name}` placeholders; a value that is missing or blank is an error."""
    out = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is None:
            continue
        if spec or conversion:
            raise WordingError(f"placeholder {{{name}}} may not carry a format")
        value = values.get(name, "")
        if not str(value).strip():
            raise WordingError(f"no value for {{{name}}}")
        out.append(str(value))
    return "".join(out)


def compose(
    pack: Pack,
    letter: LetterSpec,
    values: dict[str, str],
    preferred_language: str = "",
    directory: Path = WORDING_DIR,
) -> Composed:
    """Return the letter's words for one recipient, filled with `values`."""
    words, language = words_for(pack, letter, preferred_language, directory)

    def part(name: str) -> str:
        return fill(str(words[name]), values)

    return Composed(
        language=language,
        subject=part("subject"),
        greeting=part("greeting"),
        numbers=part("numbers"),
        core=tuple(part(p) for p in CORE_PARTS),
        legal_heading=part("legal_heading"),
        legal=tuple(part(p) for p in LEGAL_PARTS),
        sign_off=part("sign_off"),
        reference_label=part("reference_label"),
        page_label=part("page_label"),
        paper=str(words.get("paper", "a4")),
    )


def needed_fields(pack: Pack, letter: LetterSpec, preferred_language: str = "") -> set[str]:
    """Return the placeholders a letter's words use."""
    words, _ = words_for(pack, letter, preferred_language)
    return set().union(*(placeholders(str(v)) for v in words.values()))
