"""Two-factor sign-in is set up only through a one-time, expiring link an administrator sends.

`stepwise user enrolment-link USERNAME` prints the link. Opening it asks for the
person's password, then shows a new authenticator key and asks for a code from it;
the right code confirms the authenticator, uses up the link and signs them in. The
database keeps only a hash of the link's secret.
"""

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.accounts.enrolment import enrolment_link_create
from stepwise.accounts.models import EnrolmentLink, Membership, Organisation

from .test_sign_in_hardening import PASSWORD, code_for


@pytest.fixture
def caseworker(db):
    service = Organisation.objects.create(name="Service", kind=Organisation.Kind.SERVICE)
    user = get_user_model().objects.create_user("tipene", password=PASSWORD)
    Membership.objects.create(user=user, organisation=service, role=Membership.Role.CASEWORKER)
    return user


@pytest.fixture
def officer(db):
    school = Organisation.objects.create(name="School", kind=Organisation.Kind.SCHOOL)
    user = get_user_model().objects.create_user("aroha", password=PASSWORD)
    Membership.objects.create(
        user=user, organisation=school, role=Membership.Role.ATTENDANCE_OFFICER
    )
    return user


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def enrol(client, path: str, password: str = PASSWORD):
    """Open the link and give the password; return the page with the new key."""
    return client.post(path, {"password": password}, follow=True)


def test_the_command_prints_a_link_whose_secret_is_kept_only_as_a_hash(caseworker, settings):
    settings.STEPWISE_SITE_URL = "https://stepwise.example.org"
    out = StringIO()
    call_command("user", "enrolment-link", "tipene", stdout=out)
    text = out.getvalue()
    (link,) = re.findall(r"https://stepwise\.example\.org/two-factor/enrol/\S+/", text)
    assert "expires" in text
    token = link.rstrip("/").rsplit("/", 1)[1]
    kept = EnrolmentLink.objects.get(user=caseworker)
    assert kept.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(EnrolmentLink.objects.values()))
    assert kept.expires_at - kept.created_at == timedelta(days=7)


def test_the_command_names_what_is_wrong(officer):
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("user", "enrolment-link", "nobody", stdout=StringIO())
    with pytest.raises(CommandError, match="aroha's roles do not need two-factor sign-in"):
        call_command("user", "enrolment-link", "aroha", stdout=StringIO())


def test_the_link_asks_for_the_password_then_a_code_and_signs_them_in(client, caseworker):
    _, link = enrolment_link_create(user=caseworker)
    first = client.get(path_of(link))
    assert first.status_code == 200
    assert b"Enter your password" in first.content and b"<svg" not in first.content

    wrong = enrol(client, path_of(link), password="not it")
    assert b"That password is not right" in wrong.content
    assert b"<svg" not in wrong.content

    page = enrol(client, path_of(link))
    assert b"<svg" in page.content and b'id="totp-secret"' in page.content
    device = TOTPDevice.objects.get(user=caseworker)
    assert not device.confirmed
    assert "_auth_user_id" not in client.session  # not signed in before the code

    bad = client.post(path_of(link), {"code": "000000"})
    assert b"That code is not right" in bad.content
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(path_of(link), {"code": code_for(device)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert EnrolmentLink.objects.get(user=caseworker).used_at is not None
    assert client.session["_auth_user_id"] == str(caseworker.pk)
    assert "two-factor" not in client.get("/").get("Location", "")


def test_a_link_works_once(client, caseworker):
    _, link = enrolment_link_create(user=caseworker)
    enrol(client, path_of(link))
    client.post(path_of(link), {"code": code_for(TOTPDevice.objects.get(user=caseworker))})
    client.logout()
    again = client.get(path_of(link))
    assert again.status_code == 410
    assert b"This enrolment link has been used" in again.content


def test_an_expired_link_is_refused(client, caseworker):
    _, link = enrolment_link_create(user=caseworker, now=timezone.now() - timedelta(days=8))
    expired = client.get(path_of(link))
    assert expired.status_code == 410
    assert b"This enrolment link has expired" in expired.content
    assert enrol(client, path_of(link)).status_code == 410
    assert not TOTPDevice.objects.exists()


def test_an_unknown_link_is_not_found(client, caseworker):
    assert client.get("/two-factor/enrol/not-a-real-token/").status_code == 404


def test_a_new_link_replaces_an_unused_one(client, caseworker):
    _, old = enrolment_link_create(user=caseworker)
    _, new = enrolment_link_create(user=caseworker)
    assert client.get(path_of(old)).status_code == 410
    assert client.get(path_of(new)).status_code == 200


def test_a_new_authenticator_replaces_a_lost_one(client, caseworker):
    lost = TOTPDevice.objects.create(user=caseworker, name="Lost phone", confirmed=True)
    _, link = enrolment_link_create(user=caseworker)
    enrol(client, path_of(link))
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    client.post(path_of(link), {"code": code_for(device)})
    assert list(TOTPDevice.objects.filter(user=caseworker)) == [device]
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()


def test_wrong_passwords_on_the_link_pause_the_username_too(client, caseworker):
    _, link = enrolment_link_create(user=caseworker)
    for _ in range(5):
        enrol(client, path_of(link), password="not it")
    locked = client.post(path_of(link), {"password": PASSWORD})
    assert locked.status_code == 429
    assert not TOTPDevice.objects.exists()
