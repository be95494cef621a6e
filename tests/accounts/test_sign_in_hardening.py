"""Sign-in hardening: two-factor for case staff and admins, lockout, idle sessions."""

import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.accounts.models import Membership, Organisation
from stepwise.onboarding.organisations import school_setup
from tests.conftest import TODAY

PASSWORD = "correct-horse-battery-staple"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


@pytest.fixture
def people(db):
    school = school_setup(code="S", name="School", pack="nz", today=TODAY)
    service = Organisation.objects.create(name="Service", kind=Organisation.Kind.SERVICE)
    users = get_user_model()
    made = {}
    for name, org, role in (
        ("caseworker", service, Membership.Role.CASEWORKER),
        ("admin", school.organisation, Membership.Role.SCHOOL_ADMIN),
        ("officer", school.organisation, Membership.Role.ATTENDANCE_OFFICER),
    ):
        user = users.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, organisation=org, role=role)
        made[name] = user
    return made


def sign_in(client, username: str):
    return client.post("/sign-in/", {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("who", ["caseworker", "admin"])
def test_case_staff_and_admins_without_a_device_are_refused_at_sign_in(client, people, who):
    """A password alone never sets up the second factor: an administrator's link does."""
    response = sign_in(client, who)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    text = " ".join(response.content.decode().split())
    assert "Your role needs a code from an authenticator app" in text
    assert "Ask an administrator of your organisation for an enrolment link" in text
    assert not TOTPDevice.objects.exists()


def test_a_session_without_a_device_is_told_to_ask_for_an_enrolment_link(client, people):
    """Someone signed in before their role needed two factors, say: nothing opens."""
    client.force_login(people["caseworker"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/missing/"
    page = client.get("/two-factor/missing/")
    assert b"Ask an administrator of your organisation for an enrolment link" in page.content
    assert not TOTPDevice.objects.exists()


def test_an_attendance_officer_signs_in_with_a_password_alone(client, people):
    sign_in(client, "officer")
    assert client.get("/").status_code in (200, 302)
    assert "two-factor" not in client.get("/").get("Location", "")


def test_a_user_with_a_device_enters_a_code_at_each_sign_in(client, people):
    device = TOTPDevice.objects.create(user=people["admin"], name="phone", confirmed=True)
    sign_in(client, "admin")
    assert client.get("/").headers["Location"].startswith("/two-factor/?next=/")
    assert b"Enter the 6-digit code" in client.post("/two-factor/", {"code": "12"}).content
    ok = client.post("/two-factor/", {"code": code_for(device), "next": "/"})
    assert ok.status_code == 302
    assert "two-factor" not in client.get("/").get("Location", "")


def test_the_next_address_must_stay_on_this_site(client, people):
    device = TOTPDevice.objects.create(user=people["admin"], name="phone", confirmed=True)
    sign_in(client, "admin")
    ok = client.post("/two-factor/", {"code": code_for(device), "next": "https://evil.example/"})
    assert ok["Location"] == "/"


def test_repeated_failed_sign_ins_lock_the_account(client, people):
    for _ in range(5):
        client.post("/sign-in/", {"username": "officer", "password": "wrong"})
    locked = client.post("/sign-in/", {"username": "officer", "password": PASSWORD})
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_pause_the_username_from_any_address(client, people):
    """As the README says: the username is paused, wherever the next attempt comes from."""
    for n in range(5):
        client.post(
            "/sign-in/", {"username": "officer", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
    elsewhere = client.post(
        "/sign-in/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
    )
    assert elsewhere.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another username from the same addresses is not paused.
    other = client.post(
        "/sign-in/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert other.status_code != 429


def test_a_session_ends_after_thirty_idle_minutes(client, people):
    sign_in(client, "officer")
    assert client.session.get_expiry_age() == 30 * 60


def test_django_admin_needs_a_second_factor_too(client, db):
    staff = get_user_model().objects.create_user(
        "staff", password=PASSWORD, is_staff=True, is_superuser=True
    )
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/missing/"
