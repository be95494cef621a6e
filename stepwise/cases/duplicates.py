"""Find the people already on a case that someone about to be added may be.

A likely duplicate is a person still involved with the same name (and no date of birth
that tells them apart), the same phone number or the same email address. Names are
compared ignoring case and spacing; phone numbers by their digits.
"""

from datetime import date

from .models import Case, Person

MIN_PHONE_DIGITS = 6  # shorter is an extension or a typo, not a number to match on


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


def likely_duplicates(
    case: Case,
    *,
    given_name: str,
    family_name: str,
    birth_date: date | None = None,
    phone: str = "",
    email: str = "",
) -> list[str]:
    """Return a sentence for each person on the case the new one may be, and why."""
    name = (_name(given_name), _name(family_name))
    digits = _digits(phone)
    found = []
    for person in Person.objects.filter(case=case).current().order_by("pk"):
        same = []
        if (_name(person.given_name), _name(person.family_name)) == name:
            if birth_date is not None and birth_date == person.birth_date:
                same.append("name and date of birth")
            elif birth_date is None or person.birth_date is None:
                same.append("name")
        if len(digits) >= MIN_PHONE_DIGITS and _digits(person.phone) == digits:
            same.append("phone number")
        if email.strip() and person.email.strip().casefold() == email.strip().casefold():
            same.append("email address")
        if same:
            found.append(
                f"{person.full_name} is already on the case with the same {' and '.join(same)}."
            )
    return found


def same_person_twice(people: list[Person]) -> list[str]:
    """Return the names that appear twice among the people, with nothing to tell them apart.

    Two records with one name and no differing date of birth are most likely one person
    recorded twice: each would be sent every letter.
    """
    seen: dict[tuple[str, str], list[date | None]] = {}
    twice = []
    for person in people:
        key = (_name(person.given_name), _name(person.family_name))
        births = seen.setdefault(key, [])
        alike = any(
            b is None or person.birth_date is None or b == person.birth_date for b in births
        )
        if alike and person.full_name not in twice:
            twice.append(person.full_name)
        births.append(person.birth_date)
    return twice
