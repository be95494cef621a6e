"""People on a case: edit a person's record, end their involvement, warn of a duplicate.

A person's record is changed, never rewritten without trace: each change keeps what
the record said before, who changed it, when and why. Ending someone's involvement
keeps them on record; only the people still involved get letters.

Aroha's case (tests/cases): Hine Ngata (mother, 021 000 0001, hine@example.org) and
Rawiri Ngata (father, 027 000 0002), both with parental responsibility.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from stepwise.cases.models import Person, PersonChange
from stepwise.cases.services import person_add, person_end
from stepwise.letters.cases.selectors import recipients
from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.letters.models import Letter
from tests.front.conftest import TODAY
from tests.letters.conftest import RAWIRI_ADDRESS, sender  # noqa: F401  (a fixture)

from .conftest import at

FIGURES = Figures(days_missed=Decimal(29), days_possible=Decimal(29))


def person(case, given: str) -> Person:
    return case.people.get(given_name=given)


def edit_url(case, who: Person) -> str:
    return reverse("person_edit", args=[case.pk, who.pk])


def end_url(case, who: Person) -> str:
    return reverse("person_end", args=[case.pk, who.pk])


def details(who: Person, **changes) -> dict[str, str]:
    """Return the edit form's fields as the person's record fills them, with changes."""
    tri = {True: "yes", False: "no", None: ""}
    data = {
        "role": who.role,
        "given_name": who.given_name,
        "family_name": who.family_name,
        "birth_date": who.birth_date.isoformat() if who.birth_date else "",
        "relationship": who.relationship,
        "lives_with_student": tri[who.lives_with_student],
        "parental_responsibility": tri[who.parental_responsibility],
        "phone": who.phone,
        "email": who.email,
        "address": who.address,
        "preferred_language": who.preferred_language,
    }
    data.update(changes)
    return data


# --- Editing a person ---------------------------------------------------------------------


def test_a_person_is_edited_and_what_their_record_said_is_kept(login, case, caseworker):
    hine = person(case, "Hine")
    before = hine.address
    client = login(caseworker)
    page = client.get(edit_url(case, hine)).content.decode()
    assert "Change Hine Ngata’s record" in page
    assert 'value="021 000 0001"' in page

    response = client.post(
        edit_url(case, hine),
        details(hine, address="4 Kauri Street, Hamilton", phone="021 000 0009",
                reason="Moved house in November"),
    )  # fmt: skip
    assert response.status_code == 302
    hine.refresh_from_db()
    assert (hine.address, hine.phone) == ("4 Kauri Street, Hamilton", "021 000 0009")
    (change,) = PersonChange.objects.filter(person=hine)
    assert change.changes == {
        "phone": ["021 000 0001", "021 000 0009"],
        "address": [before, "4 Kauri Street, Hamilton"],
    }
    assert (change.reason, change.changed_by) == ("Moved house in November", caseworker)

    history = client.get(edit_url(case, hine)).content.decode()
    assert "Moved house in November" in history
    assert "021 000 0001" in history  # what it said before


def test_an_edit_needs_a_reason_and_a_change(login, case, caseworker):
    hine = person(case, "Hine")
    client = login(caseworker)
    response = client.post(edit_url(case, hine), details(hine, phone="021 999"))
    assert response.status_code == 400
    assert "Say why the record changes" in response.content.decode()
    response = client.post(edit_url(case, hine), details(hine, reason="Checked"))
    assert response.status_code == 400
    assert "Nothing has changed" in response.content.decode()
    hine.refresh_from_db()
    assert hine.phone == "021 000 0001" and not PersonChange.objects.exists()


def test_not_known_stays_not_known_when_other_details_change(login, case, caseworker):
    hine = person(case, "Hine")
    Person.objects.filter(pk=hine.pk).update(lives_with_student=None)
    hine.refresh_from_db()
    client = login(caseworker)
    client.post(edit_url(case, hine), details(hine, email="hine@example.net", reason="New email"))
    hine.refresh_from_db()
    assert hine.lives_with_student is None
    assert list(PersonChange.objects.get().changes) == ["email"]


# --- Ending a person's involvement ----------------------------------------------------------


def test_ending_involvement_keeps_the_person_and_stops_their_letters(
    login,
    case,
    caseworker,
    sender,  # noqa: F811
):
    rawiri = person(case, "Rawiri")
    client = login(caseworker)
    response = client.post(
        end_url(case, rawiri),
        {"ended_on": TODAY.isoformat(), "reason": "No longer has parental responsibility"},
    )
    assert response.status_code == 302
    rawiri.refresh_from_db()
    assert (rawiri.ended_on, rawiri.ended_by, rawiri.end_reason) == (
        TODAY,
        caseworker,
        "No longer has parental responsibility",
    )
    assert [p.given_name for p in recipients(case)] == ["Hine"]
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "No longer involved" in page
    assert "No longer has parental responsibility" in page
    assert end_url(case, rawiri) not in page


def test_the_child_stays_on_the_case(case, caseworker):
    child = case.people.get(role=Person.Role.CHILD)
    with pytest.raises(ValidationError, match="The child stays on the case"):
        person_end(person=child, by=caseworker, reason="Wrong", on=TODAY)
    child.refresh_from_db()
    assert child.ended_on is None


def test_an_ending_needs_a_reason_and_a_date_not_in_the_future(login, case, caseworker):
    rawiri = person(case, "Rawiri")
    client = login(caseworker)
    response = client.post(end_url(case, rawiri), {"ended_on": "2027-01-01", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say why their involvement ends" in html
    assert "The date must not be in the future" in html
    rawiri.refresh_from_db()
    assert rawiri.ended_on is None


# --- Duplicates -----------------------------------------------------------------------------


def test_a_likely_duplicate_is_warned_of_before_it_is_added(login, case, caseworker):
    client = login(caseworker)
    form = {"role": "caregiver", "given_name": " hine ", "family_name": "NGATA",
            "parental_responsibility": "yes"}  # fmt: skip
    response = client.post(reverse("person_new", args=[case.pk]), form)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hine Ngata is already on the case with the same name" in html
    assert "This is a different person: add them anyway" in html
    assert case.people.count() == 3
    response = client.post(
        reverse("person_new", args=[case.pk]), {**form, "duplicate_confirmed": "on"}
    )
    assert response.status_code == 302
    assert case.people.count() == 4


# Each case: (what is typed for the new person, the warning it gives).
DUPLICATES = [
    ({"given_name": "Aroha", "family_name": "Smith", "phone": "021-000-0001"},
     "Hine Ngata is already on the case with the same phone number"),
    ({"given_name": "Aroha", "family_name": "Smith", "email": "HINE@example.org"},
     "Hine Ngata is already on the case with the same email address"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "warning"), DUPLICATES)
def test_the_same_contact_details_are_a_likely_duplicate(case, typed, warning):
    with pytest.raises(ValidationError, match=warning):
        person_add(case=case, role="caregiver", **typed)
    assert case.people.count() == 3


def test_the_same_name_with_another_birth_date_is_not_a_duplicate(case):
    from datetime import date

    Person.objects.filter(case=case, given_name="Hine").update(birth_date=date(1985, 1, 2))
    added = person_add(case=case, role="other_carer", given_name="Hine", family_name="Ngata",
                       birth_date=date(1960, 5, 6), relationship="grandmother")  # fmt: skip
    assert added.pk and case.people.count() == 4


def test_a_duplicated_caregiver_once_ended_gets_no_second_letter(case, caseworker, sender):  # noqa: F811
    twin = person_add(case=case, role="caregiver", given_name="Hine", family_name="Ngata",
                      parental_responsibility=True, duplicate_confirmed=True)  # fmt: skip
    person_end(person=twin, by=caseworker, reason="Duplicate of Hine Ngata", on=TODAY)
    sent = letter_issue(
        case=case, letter_key="chronic_absence_1", by=caseworker, sent_on=TODAY, method="hand",
        reason="no contact", figures=FIGURES, now=at(TODAY, 14),
    )  # fmt: skip
    assert sorted(x.recipient_name for x in sent) == ["Hine Ngata", "Rawiri Ngata"]
    assert not Letter.objects.filter(person=twin).exists()


def test_a_caregiver_recorded_twice_holds_every_letter_until_put_right(
    login,
    case,
    caseworker,
    sender,  # noqa: F811
):
    twin = person_add(case=case, role="caregiver", given_name="Hine", family_name="Ngata",
                      parental_responsibility=True, duplicate_confirmed=True)  # fmt: skip
    page = login(caseworker).get(reverse("case_letters", args=[case.pk])).content.decode()
    assert "Hine Ngata is on the case twice, so no letter can go" in page
    with pytest.raises(ValidationError, match="Hine Ngata is on the case twice"):
        letter_issue(
            case=case, letter_key="chronic_absence_1", by=caseworker, sent_on=TODAY,
            method="hand", reason="no contact", figures=FIGURES, now=at(TODAY, 14),
        )  # fmt: skip
    assert not Letter.objects.exists()
    # Two people after all: their dates of birth tell them apart.
    from datetime import date

    Person.objects.filter(pk=twin.pk).update(birth_date=date(1950, 1, 1))
    Person.objects.filter(case=case, given_name="Hine").exclude(pk=twin.pk).update(
        birth_date=date(1985, 1, 1)
    )
    sent = letter_issue(
        case=case, letter_key="chronic_absence_1", by=caseworker, sent_on=TODAY,
        method="hand", reason="no contact", figures=FIGURES, now=at(TODAY, 14),
    )  # fmt: skip
    assert len(sent) == 3


# --- Where a person's record is changed -----------------------------------------------------


def test_the_letters_page_sends_each_person_left_out_to_their_record(login, case, caseworker):
    aunty = person_add(case=case, role="other_carer", given_name="Aunty", family_name="Ngata",
                       relationship="aunt", address=RAWIRI_ADDRESS)  # fmt: skip
    client = login(caseworker)
    page = client.get(reverse("case_letters", args=[case.pk])).content.decode()
    assert "No letter goes to" in page
    assert f'<a class="govuk-link" href="{edit_url(case, aunty)}">' in page
    case_page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert f'href="{edit_url(case, aunty)}"' in case_page


def test_the_childs_name_is_corrected_but_the_child_stays_the_child(case, caseworker):
    from stepwise.cases.services import person_update

    child = case.people.get(role=Person.Role.CHILD)
    person_update(person=child, by=caseworker, reason="Spelling", given_name="Arohanui")
    child.refresh_from_db()
    assert (child.given_name, child.role) == ("Arohanui", "child")
    with pytest.raises(ValidationError, match="Enter their family name"):
        person_update(person=child, by=caseworker, reason="Oops", family_name=" ")
    hine = person(case, "Hine")
    with pytest.raises(ValidationError, match="Select who the person is"):
        person_update(person=hine, by=caseworker, reason="Oops", role="child")
    assert PersonChange.objects.count() == 1
