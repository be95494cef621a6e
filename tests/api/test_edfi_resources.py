"""Ed-Fi clients as they are: an OAuth token first, then resources at Ed-Fi's paths, and
errors in Ed-Fi's problem-details shape.

Who may post: a token acts for its own organisation's schools only; an event for another
school's number is refused as Ed-Fi refuses what a client may not touch.
"""

import base64

import pytest
from django.test import Client

from stepwise.register.models import RegisterTerm

from .test_edfi import SCHOOL_NUMBER, event, map_codes, numbered  # noqa: F401

TOKEN_URL = "/api/v1/oauth/token"
EVENTS = "/api/v1/ed-fi/studentSchoolAttendanceEvents"


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


@pytest.fixture
def access_token(token_pair) -> str:
    row, secret = token_pair
    response = Client().post(
        TOKEN_URL, {"grant_type": "client_credentials"}, headers=basic(f"swt_{row.prefix}", secret)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    return body["access_token"]


def post_event(token: str, body) -> object:
    import json

    return Client().post(EVENTS, json.dumps(body), content_type="application/json",
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def test_a_client_gets_a_token_and_posts_an_event_at_ed_fis_path(api, access_token):
    map_codes(api)
    response = post_event(access_token, event("100000001", "2026-10-12"))
    assert response.status_code == 201, response.content
    assert RegisterTerm.objects.filter(student__national_id="100000001").exists()
    assert post_event(access_token, event("100000001", "2026-10-12")).status_code == 200


def test_the_token_endpoint_refuses_wrong_credentials_and_grants(token_pair):
    row, secret = token_pair
    wrong = Client().post(TOKEN_URL, {"grant_type": "client_credentials"},
                          headers=basic(f"swt_{row.prefix}", secret + "x"))  # fmt: skip
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    other = Client().post(TOKEN_URL, {"grant_type": "client_credentials"},
                          headers=basic("swt_someoneelse", secret))  # fmt: skip
    assert other.status_code == 401
    grant = Client().post(TOKEN_URL, {"grant_type": "password"},
                          headers=basic(f"swt_{row.prefix}", secret))  # fmt: skip
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    fields = {"client_id": f"swt_{row.prefix}", "client_secret": secret}
    form = Client().post(TOKEN_URL, {"grant_type": "client_credentials", **fields})
    assert form.status_code == 200


def test_an_error_comes_in_ed_fis_problem_details_shape(api, access_token):
    map_codes(api)
    bad = event("100000001", "2026-10-17")
    response = post_event(access_token, bad)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == "urn:ed-fi:api:bad-request:data-validation-failed"
    assert problem["status"] == 400
    assert problem["validationErrors"] == {"$.eventDate": ["2026-10-17 is a Saturday"]}
    assert not RegisterTerm.objects.exists()


def test_an_event_for_another_schools_number_is_refused(api, access_token):
    map_codes(api)
    other = event("100000001", "2026-10-12")
    other["schoolReference"]["schoolId"] = other["sessionReference"]["schoolId"] = 999
    response = post_event(access_token, other)
    assert response.status_code == 403
    assert response.json()["type"].startswith("urn:ed-fi:api:security:authorization")
