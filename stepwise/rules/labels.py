"""What each count of a student's sessions is called, so every page, PDF and export agree.

A pack's class (justified, unjustified) is not the same as absence: New Zealand counts
some justified codes as present (D, an approved appointment; I, an internal one), so
its justified total holds sessions that were no absence. Its name says so.
"""

from .pack import Pack

CLASSES = ("justified", "unjustified")


def counts_present_too(pack: Pack, category: str) -> bool:
    """Return whether any of the pack's codes of the class counts as present."""
    return any(c.category == category and c.half_day == "present" for c in pack.codes)


def figure_label(pack: Pack, category: str) -> str:
    """Return the name of a class's total in the pack's words, saying what it counts.

    "Authorised absence" where every code of the class is an absence; "Justified,
    absent or counted as present" where some of its codes count as present.
    """
    if category not in CLASSES:
        raise ValueError(f"{category!r} is not a class of codes: {', '.join(CLASSES)}")
    word = pack.word(category).capitalize()
    if counts_present_too(pack, category):
        return f"{word}, absent or counted as present"
    return f"{word} absence"


def code_class_label(pack: Pack, category: str, half_day: str) -> str:
    """Return what a code of the class and half-day value counts as, in the pack's words
    ("justified, counted as present"; "unknown" for a code the pack does not know)."""
    if half_day == "not_counted":
        return f"not a possible {pack.word('session')}"
    if category == "present":
        return "present"
    if category not in CLASSES:
        return "unknown"
    word = pack.word(category)
    return f"{word}, counted as present" if half_day == "present" else f"{word} absence"
