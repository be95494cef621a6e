"""API tokens: made, listed and revoked by organisation admins; stored hashed; shown once.

Who may see what: the school's org admin (`admin`) manages its tokens; its attendance
officer (`officer`) and another school's admin (`outsider`) get 404 on its token page.
"""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from stepwise.accounts.models import Membership
from stepwise.api.models import ApiToken
from stepwise.api.services import token_create
from stepwise.audit.models import AuditEvent
from tests.conftest import sign_in

from .conftest import Api


def member(username: str, organisation, role: str):
    user = get_user_model().objects.create_user(username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def admin(nz_roster):
    return member("admin", nz_roster.organisation, Membership.Role.ORG_ADMIN)


@pytest.fixture
def admin_client(admin) -> Client:
    return sign_in(Client(), admin)


def tokens_url(school) -> str:
    return reverse("api_tokens", args=[school.organisation_id])


def test_an_admin_makes_a_token_that_is_shown_once_and_stored_hashed(admin_client, nz_roster):
    response = admin_client.post(tokens_url(nz_roster), {"name": "  SMS   nightly push "})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(f"swt_{token.prefix}_") and len(secret) > 50
    assert secret.encode() in response.content
    assert token.name == "SMS nightly push"
    assert token.sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values_list().get())  # only its hash is kept
    listing = admin_client.get(tokens_url(nz_roster))
    assert b"SMS nightly push" in listing.content
    assert secret.encode() not in listing.content  # never shown again
    assert AuditEvent.objects.filter(object_type="api_token", action="change").count() == 1
    # The new token works at once.
    assert Api(Client(), secret).get("/api/v1/schools").status_code == 200


def test_a_token_needs_a_name(admin_client, nz_roster):
    response = admin_client.post(tokens_url(nz_roster), {"name": "   "})
    assert response.status_code == 422
    assert b"Enter a name for the token" in response.content
    assert b'href="#token-name"' in response.content  # the error summary links to the field
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_at_once(admin_client, nz_roster, admin):
    token, secret = token_create(organisation=nz_roster.organisation, name="Old", created_by=admin)
    api = Api(Client(), secret)
    assert api.get("/api/v1/schools").status_code == 200
    revoke = reverse("api_token_revoke", args=[nz_roster.organisation_id, token.pk])
    page = admin_client.get(revoke)
    assert b"Revoke token" in page.content
    assert ApiToken.objects.get().revoked_at is None  # a GET only asks
    response = admin_client.post(revoke)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin
    refused = api.get("/api/v1/schools")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Bearer"
    assert refused.json()["errors"][0]["field"] == "Authorization"


@pytest.mark.parametrize(
    "role", [Membership.Role.ATTENDANCE_OFFICER, Membership.Role.SCHOOL_LEADER]
)
def test_staff_who_are_not_admins_get_404(nz_roster, role):
    client = sign_in(Client(), member("staff", nz_roster.organisation, role))
    assert client.get(tokens_url(nz_roster)).status_code == 404
    assert client.post(tokens_url(nz_roster), {"name": "Sneaky"}).status_code == 404
    assert not ApiToken.objects.exists()


def test_another_schools_admin_cannot_see_or_revoke_our_tokens(nz_roster, other_school):
    token, _ = token_create(organisation=nz_roster.organisation, name="Ours", created_by=None)
    outsider = member("outsider", other_school.organisation, Membership.Role.ORG_ADMIN)
    client = sign_in(Client(), outsider)
    assert client.get(tokens_url(nz_roster)).status_code == 404
    for org in (nz_roster.organisation_id, other_school.organisation_id):
        url = reverse("api_token_revoke", args=[org, token.pk])
        assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert b"Ours" not in client.get(tokens_url(other_school)).content


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer swt_",
        "Bearer swt_abc",
        "Bearer swt_0123456789ab_wrong",
        "Basic dXNlcjpwYXNz",
        "Token swt_0123456789ab_x",
    ],
)
def test_a_missing_or_wrong_token_gets_401(token_pair, header):
    client = Client()
    response = client.get("/api/v1/schools", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("send a valid API token")


def test_a_token_with_the_right_prefix_but_a_wrong_secret_is_refused(token_pair):
    token, secret = token_pair
    forged = secret[:-4] + ("aaaa" if not secret.endswith("aaaa") else "bbbb")
    assert Api(Client(), forged).get("/api/v1/schools").status_code == 401
    assert Api(Client(), secret).get("/api/v1/schools").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_acts_as_its_own_user_who_cannot_sign_in(token_pair):
    token, _ = token_pair
    assert not token.user.is_active
    assert not token.user.has_usable_password()
    assert not token.user.memberships.exists()
