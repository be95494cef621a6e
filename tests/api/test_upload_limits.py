"""Names too long to keep and files too big are refused through the API, naming the row or file."""

from django.test import Client

from stepwise.schools.models import Student

from .test_oneroster import URL, USERS, files
from .test_push_roster_and_caregivers import ROSTER, student

HUGE = "A" * 5000


def test_a_pushed_roster_row_with_a_5000_character_name_is_refused(api):
    response = api.post(ROSTER, {"rows": [student(), student(student_id="9", given_name=HUGE)]})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "rows[1].given_name"
    assert "100 characters" in error["message"]
    assert not Student.objects.filter(national_id="100000009").exists()


def test_a_oneroster_user_with_a_5000_character_name_is_refused_naming_the_line(api):
    users = USERS.replace(",Hemi,Walker,", f",Hemi,{HUGE},")
    response = Client().post(URL, files(users=users), headers=api.headers())
    assert response.status_code == 422, response.content[:300]
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "users.csv line 3, column familyName": "must be 100 characters or fewer (it is 5,000)"
    }
    assert Student.objects.get(national_id="100000001").family_name == "Ngata"


def test_a_oneroster_file_over_the_size_cap_is_refused_before_it_is_read(api, settings):
    settings.UPLOAD_ONEROSTER_MAX_BYTES = 400
    response = Client().post(URL, files(), headers=api.headers())
    assert response.status_code == 413
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {"users": "users.csv is 514 bytes: a OneRoster file may be at most 400 bytes."}
    assert not Student.objects.filter(national_id="200000001").exists()
