"""Sign-in hardening: two-factor for case staff and admins, lockout, idle sessions."""

import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.accounts.models import Membership, Organisation
from stepwise.schools.services import school_add
from tests.conftest import TODAY

PASSWORD = "correct-horse-battery-staple"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


@pytest.fixture
def people(db):
    school = school_add(code="S", name="School", pack="nz", today=TODAY)
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
def test_case_staff_and_admins_without_a_device_are_sent_to_set_one_up(client, people, who):
    sign_in(client, who)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/setup/?next=/")


def test_an_attendance_officer_signs_in_with_a_password_alone(client, people):
    sign_in(client, "officer")
    assert client.get("/").status_code in (200, 302)
    assert "two-factor" not in client.get("/").get("Location", "")


def test_setting_up_a_device_needs_a_right_code_and_then_lets_the_user_in(client, people):
    sign_in(client, "caseworker")
    page = client.get("/two-factor/setup/?next=/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=people["caseworker"])
    wrong = client.post("/two-factor/setup/", {"code": "000000", "next": "/"})
    assert b"That code is not right" in wrong.content
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    too_soon = client.post("/two-factor/setup/", {"code": code_for(device), "next": "/"})
    assert b"wait a few seconds" in too_soon.content  # wrong codes slow down guessing
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    right = client.post("/two-factor/setup/", {"code": code_for(device), "next": "/"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
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
    assert response["Location"].startswith("/two-factor/setup/")
