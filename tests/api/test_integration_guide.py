"""The integration guide's worked example (docs/integration.md) does what the guide says."""

import json
import re
from pathlib import Path

from django.test import Client

from stepwise.api.services import token_create
from stepwise.onboarding.organisations import school_setup
from tests.conftest import TODAY

from .conftest import Api

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integration.md"
DAY = "2026-10-12"  # a Monday in Term 4 2026, standing in for the guide's $(date +%F)


def test_the_guides_day_of_marks_and_its_error_example_answer_as_shown(db):
    text = GUIDE.read_text()
    school = school_setup(code="NZ-0427", name="Kōwhai Bay College", pack="nz", today=TODAY)
    _, secret = token_create(organisation=school.organisation, name="SMS push", created_by=None)
    api = Api(Client(), secret)
    day = json.loads(
        re.search(r"cat > day.json <<EOF\n(.*?)\nEOF", text, re.S)[1].replace("$DAY", DAY)
    )
    students = sorted({r["student_id"] for r in day["rows"]})
    person = {"given_name": "Demo", "family_name": "Student", "birth_date": "2010-01-01"}
    roster = [
        {"student_id": s, **person, "year_level": 11, "enrolled_from": "2026-01-28"}
        for s in students
    ]
    assert api.post("/api/v1/schools/NZ-0427/roster", {"rows": roster}).status_code == 200

    url = "/api/v1/schools/NZ-0427/marks"
    first = api.post(url, day, **{"Idempotency-Key": f"NZ-0427-{DAY}-1"})
    assert first.status_code == 200, first.content
    shape = {"import_run", "outcome", "rows", "changed", "detail", "warnings", "evaluation"}
    assert set(first.json()) == shape
    assert first.json()["rows"] == 4
    again = api.post(url, day, **{"Idempotency-Key": f"NZ-0427-{DAY}-1"})
    assert again["Idempotent-Replayed"] == "true"

    bad = json.loads(re.search(r"--data '(\{\"rows\": \[\{.*?\}\]\})'", text)[1])
    shown = json.loads(re.search(r"```json\n(\{\"detail\": \"nothing was imported.*?)\n```", text,
                                 re.S)[1])  # fmt: skip
    answer = api.post(url, bad)
    assert answer.status_code == 422
    assert answer.json() == shown


def test_the_guides_ed_fi_example_gives_the_marks_it_says(db):
    text = GUIDE.read_text()
    school = school_setup(code="NZ-0427", name="Kōwhai Bay College", school_number="427",
                          pack="nz", today=TODAY)  # fmt: skip
    _, secret = token_create(organisation=school.organisation, name="SMS push", created_by=None)
    api = Api(Client(), secret)
    person = {"given_name": "Demo", "family_name": "Student", "birth_date": "2010-01-01"}
    roster = [
        {"student_id": s, **person, "year_level": 11, "enrolled_from": "2026-01-28"}
        for s in ("100378707", "100118261")
    ]
    assert api.post("/api/v1/schools/NZ-0427/roster", {"rows": roster}).status_code == 200
    section = text[text.index("## 5. Ed-Fi") : text.index("### Ed-Fi clients as they are")]
    mappings, events = re.findall(r"--data '(.*?)'\n", section.replace("'$DAY'", DAY), re.S)
    url = "/api/v1/schools/NZ-0427/edfi"
    assert api.put(f"{url}/code-mappings", json.loads(mappings)).status_code == 200
    answer = api.post(f"{url}/student-school-attendance-events", json.loads(events))
    assert answer.status_code == 200, answer.content
    # "two J marks" for the whole day's excused absence, "one T mark" for the half-day.
    assert answer.json()["detail"] == {"new marks": 3, "amended marks": 0}
