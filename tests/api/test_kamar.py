"""KAMAR's Directory Services push: check, students and attendance, with per-school credentials.

Who may push: only a token of the school's own organisation, as the password of KAMAR's
HTTP Basic credentials. Another school's token, or none, is refused in KAMAR's envelope.
"""

import base64
import json

import pytest
from django.test import Client

from stepwise.register.models import RegisterTerm
from stepwise.schools.models import Enrolment, Student

URL = "/api/v1/schools/NZ-1/kamar"


@pytest.fixture(autouse=True)
def numbered(nz_roster):
    nz_roster.school_number = "427"
    nz_roster.save()
    return nz_roster


def post(secret: str | None, sync: str, **parts) -> tuple[int, dict]:
    body = {
        "SMSDirectoryData": {
            "datetime": 20261012170000,
            "sync": sync,
            "sms": "KAMAR",
            "version": 2198,
            "schools": [{"index": 1, "moeCode": "0427", "name": "KAURI", "authoritative": True}],
            **parts,
        }
    }
    headers = {}
    if secret is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"kamar:{secret}".encode()).decode()
    response = Client().post(URL, json.dumps(body), content_type="application/json",
                             headers=headers)  # fmt: skip
    return response.status_code, response.json()["SMSDirectoryData"]


def test_a_check_is_answered_asking_for_student_details_and_attendance(token_pair):
    status, answer = post(token_pair[1], "check")
    assert status == 200
    assert (answer["error"], answer["result"], answer["status"]) == (0, "OK", "Ready")
    assert answer["options"]["students"]["attendance"] is True
    assert answer["options"]["students"]["details"] is True
    assert answer["options"]["students"]["pastoral"] is False


def test_a_push_without_credentials_or_with_another_schools_token_is_refused(other_api):
    assert post(None, "check")[0] == 401
    status, answer = post(other_api.secret, "check")
    assert (status, answer["error"]) == (403, 403)
    assert post("swt_nothing_real", "check")[0] == 403


def test_a_students_push_is_imported_as_the_roster(token_pair):
    students = {"count": 1, "data": [{
        "id": 4001, "nsn": "100000009", "firstname": "Tama", "lastname": "Rewi",
        "datebirth": "20110607", "yearlevel": 10, "startingdate": "20260128", "leavingdate": "",
    }]}  # fmt: skip
    status, answer = post(token_pair[1], "part", students=students)
    assert status == 200, answer
    assert answer["imported"]["detail"]["students added"] == 1
    enrolment = Enrolment.objects.get(student__national_id="100000009")
    assert (enrolment.year_level, enrolment.enrolled_from.isoformat()) == (10, "2026-01-28")
    assert Student.objects.get(national_id="100000009").birth_date.isoformat() == "2011-06-07"


def test_an_attendance_push_gives_each_session_the_code_most_of_its_classes_carry(token_pair):
    attendance = {"count": 1, "data": [{"id": 1, "nsn": "100000001", "values": [
        # Nine slots: the first five the morning's, the rest the afternoon's; "." no class.
        {"date": "20261012", "codes": ".PPP.RT.T", "alt": ".PPP.PT.T", "hdu": 1, "hdp": 1},
        {"date": "20261013", "codes": ".LPP.PP.P", "hdp": 2},
    ]}]}  # fmt: skip
    status, answer = post(token_pair[1], "attendance", attendance=attendance)
    assert status == 200, answer
    assert answer["imported"]["detail"] == {"new marks": 4, "amended marks": 0}
    row = RegisterTerm.objects.get(student__national_id="100000001")
    names = ("", *(c.code for c in row.term.school.rules.codes))
    assert [names[b] for b in row.marks if b] == ["P", "T", "P", "P"]


def test_an_unmapped_code_is_refused_naming_it_and_where_to_map_it(token_pair):
    attendance = {"count": 1, "data": [{"id": 1, "nsn": "100000001", "values": [
        {"date": "20261012", "alt": ".RRR.PP.P"},
    ]}]}  # fmt: skip
    status, answer = post(token_pair[1], "attendance", attendance=attendance)
    assert (status, answer["error"]) == (422, 422)
    (error,) = answer["errors"]
    assert error["field"] == "attendance.data[0].values[0].alt"
    assert "stepwise import-profile --school NZ-1 --profile kamar R=<code>" in error["message"]
    assert not RegisterTerm.objects.exists()


def test_the_importers_problems_name_the_kamar_item(token_pair):
    attendance = {"count": 1, "data": [{"id": 1, "nsn": "999", "values": [
        {"date": "20261012", "alt": ".PPP.PP.P"},
    ]}]}  # fmt: skip
    status, answer = post(token_pair[1], "attendance", attendance=attendance)
    assert status == 422
    assert answer["errors"][0]["field"] == "attendance.data[0].nsn"
    assert "'999' is not on NZ-1's roster" in answer["result"]


def test_a_push_for_another_school_number_is_refused(token_pair):
    body = {"schools": [{"moeCode": "0999", "authoritative": True}]}
    status, answer = post(token_pair[1], "check", **body)
    assert status == 422
    assert answer["errors"][0]["field"] == "schools[0].moeCode"


def test_a_day_read_otherwise_than_kamar_counts_it_is_imported_with_a_warning(token_pair):
    attendance = {"count": 1, "data": [{"id": 1, "nsn": "100000001", "values": [
        {"date": "20261012", "alt": ".PPP.TT.T", "hdp": 1, "hdj": 0, "hdu": 1},  # agrees
        {"date": "20261013", "alt": ".PPP.TT.T", "hdp": 2, "hdj": 0, "hdu": 0},  # does not
    ]}]}  # fmt: skip
    status, answer = post(token_pair[1], "attendance", attendance=attendance)
    assert status == 200, answer
    (warning,) = answer["imported"]["warnings"]
    assert warning["field"] == "attendance.data[0].values[1]"
    assert "KAMAR counts 2 present, 0 justified and 0 unjustified" in warning["message"]
    assert answer["imported"]["detail"]["new marks"] == 4
