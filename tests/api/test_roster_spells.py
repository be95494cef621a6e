"""The roster push keeps spells of enrolment: a child who comes back gets a second spell."""

from stepwise.schools.models import Enrolment

URL = "/api/v1/schools/NZ-1/roster"
CHILD = {
    "student_id": "100000001",
    "given_name": "Aroha",
    "family_name": "Ngata",
    "birth_date": "2011-03-04",
    "year_level": 10,
}


def spells() -> list[tuple[str, str | None]]:
    held = Enrolment.objects.filter(student__national_id="100000001").order_by("enrolled_from")
    return [
        (e.enrolled_from.isoformat(), e.enrolled_to and e.enrolled_to.isoformat()) for e in held
    ]


def test_a_push_that_reopens_a_spell_adds_one(api):
    left = {**CHILD, "enrolled_from": "2026-01-28", "enrolled_to": "2026-04-02"}
    assert api.post(URL, {"rows": [left]}).status_code == 200
    back = {**CHILD, "enrolled_from": "2026-07-20"}
    answer = api.post(URL, {"rows": [back]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["detail"] == {"enrolments added": 1}
    assert spells() == [("2026-01-28", "2026-04-02"), ("2026-07-20", None)]


def test_a_push_whose_spells_overlap_is_refused_and_changes_nothing(api):
    rows = [
        {**CHILD, "enrolled_from": "2026-01-28", "enrolled_to": "2026-05-01"},
        {**CHILD, "enrolled_from": "2026-04-27"},
    ]
    answer = api.post(URL, {"rows": rows})
    assert answer.status_code == 422, answer.content
    messages = [e["message"] for e in answer.json()["errors"]]
    assert (
        "100000001's enrolment from 2026-04-27 with no end overlaps the one from 2026-01-28 "
        "to 2026-05-01 in rows[0]"
    ) in " ".join(messages)
    assert spells() == [("2026-01-28", None)]
