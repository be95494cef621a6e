"""Word counts and the Flesch–Kincaid grade of English text, for the letter tests.

The syllable count is the usual heuristic (vowel groups, a silent final e, at least
one a word): close enough to hold plain letters to "about grade 6 to 8".
"""

import re

WORD = re.compile(r"[A-Za-zÀ-ÿĀ-ž0-9'’£$%.,-]*[A-Za-zÀ-ÿĀ-ž0-9]")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
VOWELS = re.compile(r"[aeiouyāēīōū]+")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentences(text: str) -> int:
    return max(1, len(SENTENCE_END.findall(text)))


def syllables(word: str) -> int:
    w = word.lower().strip("'’.,")
    if any(c.isdigit() for c in w):
        return max(1, len(re.sub(r"\D", "", w)) // 2)  # "12" is read as one or two beats
    count = len(VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and count > 1:
        count -= 1
    if w.endswith(("'s", "’s")) and w[:-2].endswith(("s", "z", "x", "ce", "ge")):
        count += 1
    return max(1, count)


def flesch_kincaid_grade(text: str) -> float:
    """Return the Flesch–Kincaid grade level of `text`."""
    found = words(text)
    if not found:
        return 0.0
    per_sentence = len(found) / sentences(text)
    per_word = sum(syllables(w) for w in found) / len(found)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
