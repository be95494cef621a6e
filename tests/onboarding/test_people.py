"""An organisation's admins invite people, change their roles, end memberships and
reset two-factor sign-in, without the Django admin; each change is in the audit log.

Who may: the organisation's admins and the installation's administrator. Ending a
membership signs the person out on their next request and they cannot sign in again;
what they recorded keeps their name.
"""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.accounts.models import Membership
from stepwise.audit.models import AuditEvent
from stepwise.onboarding.people import person_invite
from tests.conftest import sign_in

from .test_installation_admin import NEW_PASSWORD, sign_up

R = Membership.Role


def link_in(html: str) -> str:
    (link,) = re.findall(r'value="https?://[^/"]+(/two-factor/enrol/[^"]+/)"', html)
    return link


@pytest.fixture
def admin(nz_school):
    user = get_user_model().objects.create_user("admin@kauri.example", first_name="Mere")
    Membership.objects.create(user=user, organisation=nz_school.organisation, role=R.SCHOOL_ADMIN)
    return user


def invite(client, org_id: int, email: str, role: str):
    return client.post(f"/organisations/{org_id}/people/", {"email": email, "role": role})


def test_an_admin_invites_an_officer_who_signs_up_through_the_link(client, admin, nz_school):
    org = nz_school.organisation
    sign_in(client, admin)
    page = invite(client, org.pk, "Tui@Kauri.example", R.ATTENDANCE_OFFICER)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "tui@kauri.example is invited" in html and "No mail server is set up" in html
    tui = get_user_model().objects.get(username="tui@kauri.example")
    assert not tui.has_usable_password()
    assert Membership.objects.filter(user=tui, organisation=org, role=R.ATTENDANCE_OFFICER)
    assert AuditEvent.objects.filter(
        organisation=org, action="change", detail__contains="invited as school attendance officer"
    ).exists()

    other = client.__class__()
    assert sign_up(other, link_in(html)).status_code == 302
    assert other.get("/", follow=True).redirect_chain[-1][0] == f"/schools/{nz_school.code}/queue/"
    listed = client.get(f"/organisations/{org.pk}/people/").content.decode()
    assert "tui@kauri.example" in listed and "Active" in listed


def test_an_invitation_is_emailed_when_a_mail_server_is_configured(admin, nz_school, settings):
    settings.MAIL_BACKEND = settings.SMTP_BACKEND
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    invitation = person_invite(
        organisation=nz_school.organisation, email="tui@kauri.example",
        role=R.ATTENDANCE_OFFICER, by=admin,
    )  # fmt: skip
    assert invitation.emailed
    (sent,) = mail.outbox
    assert sent.to == ["tui@kauri.example"] and invitation.address in sent.body


def test_a_role_the_organisation_does_not_give_is_refused(client, admin, nz_school):
    sign_in(client, admin)
    refused = invite(client, nz_school.organisation.pk, "t@k.example", R.CASEWORKER)
    assert refused.status_code == 400
    assert not get_user_model().objects.filter(username="t@k.example").exists()


def test_ending_a_membership_signs_them_out_at_once_and_keeps_their_name(client, admin, nz_school):
    org = nz_school.organisation
    leaver = get_user_model().objects.create_user(
        "leaver@kauri.example", password=NEW_PASSWORD, first_name="Hemi", last_name="Leaves"
    )
    Membership.objects.create(user=leaver, organisation=org, role=R.ATTENDANCE_OFFICER)
    recorded = AuditEvent.objects.create(
        user=leaver, username=leaver.username, organisation=org, action="view",
        object_type="student", object_id="1",
    )  # fmt: skip
    theirs = client.__class__()
    sign_in(theirs, leaver)
    assert theirs.get(f"/schools/{nz_school.code}/queue/").status_code == 200

    sign_in(client, admin)
    ended = client.post(f"/organisations/{org.pk}/people/{leaver.pk}/end/")
    assert ended.status_code == 302
    # Their very next request finds them signed out; they cannot sign in again.
    after = theirs.get(f"/schools/{nz_school.code}/queue/")
    assert after.status_code == 302 and after["Location"].startswith("/sign-in/")
    again = theirs.post("/sign-in/", {"username": "leaver@kauri.example", "password": NEW_PASSWORD})
    assert again.status_code == 200  # the sign-in form again, with its error
    assert theirs.get(f"/schools/{nz_school.code}/queue/").status_code == 302
    recorded.refresh_from_db()
    assert recorded.user.get_full_name() == "Hemi Leaves"
    assert not Membership.objects.filter(user=leaver).exists()
    assert AuditEvent.objects.filter(organisation=org, detail__contains="membership ended")


def test_the_last_admin_cannot_end_their_own_membership(client, admin, nz_school):
    sign_in(client, admin)
    refused = client.post(f"/organisations/{nz_school.organisation.pk}/people/{admin.pk}/end/")
    assert refused.status_code == 400
    assert "Keep at least one admin" in refused.content.decode()
    assert Membership.objects.filter(user=admin).exists()


def test_an_admin_changes_a_persons_roles(client, admin, nz_school):
    org = nz_school.organisation
    officer = get_user_model().objects.create_user("o@kauri.example")
    Membership.objects.create(user=officer, organisation=org, role=R.ATTENDANCE_OFFICER)
    sign_in(client, admin)
    client.post(
        f"/organisations/{org.pk}/people/{officer.pk}/",
        {"roles": [R.ATTENDANCE_OFFICER, R.SCHOOL_LEADER]},
    )
    assert set(officer.memberships.values_list("role", flat=True)) == {
        R.ATTENDANCE_OFFICER,
        R.SCHOOL_LEADER,
    }
    assert AuditEvent.objects.filter(organisation=org, detail__contains="roles set to")


def test_resetting_two_factor_removes_the_authenticator_and_gives_a_new_link(
    client, admin, nz_school
):
    org = nz_school.organisation
    worker = get_user_model().objects.create_user("w@kauri.example", password=NEW_PASSWORD)
    Membership.objects.create(user=worker, organisation=org, role=R.SCHOOL_ADMIN)
    TOTPDevice.objects.create(user=worker, name="lost phone", confirmed=True)
    sign_in(client, admin)
    page = client.post(f"/organisations/{org.pk}/people/{worker.pk}/two-factor-reset/")
    assert page.status_code == 200
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert AuditEvent.objects.filter(organisation=org, detail__contains="two-factor sign-in reset")
    fresh = client.__class__()
    answer = fresh.post(link_in(page.content.decode()), {"password": NEW_PASSWORD})
    assert answer.status_code == 302  # their password still stands; the code comes next


def test_another_organisations_person_is_not_found(client, admin, nz_school):
    from stepwise.onboarding.organisations import school_setup

    other = school_setup(code="NZ-2", name="Other", pack="nz")
    theirs = get_user_model().objects.create_user("theirs@other.example")
    Membership.objects.create(user=theirs, organisation=other.organisation, role=R.SCHOOL_ADMIN)
    sign_in(client, admin)
    org = nz_school.organisation.pk
    assert client.get(f"/organisations/{other.organisation.pk}/people/").status_code == 404
    assert client.get(f"/organisations/{org}/people/{theirs.pk}/").status_code == 404
    assert client.post(f"/organisations/{org}/people/{theirs.pk}/end/").status_code == 404
    assert Membership.objects.filter(user=theirs).exists()


def test_the_invite_command_prints_the_link(nz_school):
    out = StringIO()
    call_command(
        "user", "invite", "--org", "NZ-1", "--role", "attendance_officer",
        "--email", "tui@kauri.example", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Invited tui@kauri.example to Kauri Test College as school attendance officer" in text
    assert "/two-factor/enrol/" in text and "No mail server is configured" in text
    with pytest.raises(CommandError, match="gives its people these roles"):
        call_command(
            "user", "invite", "--org", "NZ-1", "--role", "caseworker",
            "--email", "x@kauri.example", stdout=StringIO(),
        )  # fmt: skip
