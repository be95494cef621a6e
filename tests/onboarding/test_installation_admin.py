"""Whoever runs an installation adds its organisations, by command and in the web app.

`stepwise admin create` makes the installation's administrator, who gets a one-time
link to choose a password and set up an authenticator. They add schools, attendance
services with their catchments, and teams with the services that refer to them; no
one else sees those pages.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.accounts.models import Membership, Organisation
from stepwise.onboarding.people import installation_admin_create
from stepwise.readiness.models import ReferralRoute
from stepwise.schools.models import CatchmentSchool, School
from tests.accounts.test_sign_in_hardening import code_for
from tests.conftest import sign_in

K = Organisation.Kind
NEW_PASSWORD = "a walk along the harbour"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def path_of(text: str) -> str:
    (link,) = re.findall(r"https?://\S+/two-factor/enrol/\S+/", text)
    return re.sub(r"^https?://[^/]+", "", link)


def sign_up(client, path: str, password: str = NEW_PASSWORD):
    """Follow an invitation: choose a password, then confirm a code; return the last answer."""
    chosen = client.post(path, {"password1": password, "password2": password})
    assert chosen.status_code == 302, chosen.content.decode()[:2000]
    client.get(path)
    device = TOTPDevice.objects.filter(confirmed=False).latest("pk")
    return client.post(path, {"code": code_for(device)})


@pytest.fixture
def installer(db):
    return installation_admin_create(email="ana@example.org").user


def test_the_first_administrator_chooses_a_password_and_an_authenticator_through_the_link(
    db, client
):
    out = run("admin", "create", "--email", "Ana@Example.org", "--given-name", "Ana")
    assert "ana@example.org administers this installation" in out
    assert "No mail server is configured" in out
    path = path_of(out)
    first = client.get(path)
    assert b"Choose your password" in first.content
    mismatch = client.post(path, {"password1": NEW_PASSWORD, "password2": "something else"})
    assert b"The two passwords are not the same" in mismatch.content
    done = sign_up(client, path)
    assert done.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/organisations/"
    client.logout()
    signed = client.post("/sign-in/", {"username": "ana@example.org", "password": NEW_PASSWORD})
    assert signed.status_code == 302


def test_the_administrator_adds_a_school_a_service_covering_it_and_a_team(client, installer):
    sign_in(client, installer)
    added = client.post(
        "/organisations/add/school/",
        {"code": "NZ-7", "name": "Rimu School", "pack": "nz", "school_number": "707"},
    )
    school = School.objects.get(code="NZ-7")
    assert added["Location"] == f"/organisations/{school.organisation_id}/people/"
    assert school.terms.exists() and school.school_number == "707"
    client.post(
        "/organisations/add/service/",
        {"name": "Rimu Attendance Service", "pack": "nz", "schools": [school.pk]},
    )
    service = Organisation.objects.get(kind=K.SERVICE)
    assert CatchmentSchool.objects.filter(service=service, school=school).exists()
    client.post(
        "/organisations/add/team/",
        {"name": "Ministry Prosecutions", "pack": "nz", "services": [service.pk]},
    )
    team = Organisation.objects.get(kind=K.PROSECUTIONS)
    assert ReferralRoute.objects.get(service=service).team == team
    listed = client.get("/organisations/").content.decode()
    assert "Rimu School" in listed and "Rimu Attendance Service" in listed
    assert "Ministry Prosecutions" in listed


def test_a_service_covers_only_schools_of_its_own_country(client, installer):
    sign_in(client, installer)
    client.post("/organisations/add/school/", {"code": "NZ-7", "name": "Rimu", "pack": "nz"})
    school = School.objects.get(code="NZ-7")
    refused = client.post(
        "/organisations/add/service/",
        {"name": "Kent Attendance", "pack": "kent", "schools": [school.pk]},
    )
    assert refused.status_code == 400
    assert "Rimu follows the New Zealand rule pack" in refused.content.decode()
    assert not Organisation.objects.filter(kind=K.SERVICE).exists()


def test_the_administrator_changes_a_services_catchment(client, installer):
    sign_in(client, installer)
    for code in ("NZ-1", "NZ-2"):
        client.post("/organisations/add/school/", {"code": code, "name": code, "pack": "nz"})
    one, two = School.objects.order_by("code")
    client.post("/organisations/add/service/", {"name": "S", "pack": "nz", "schools": [one.pk]})
    service = Organisation.objects.get(kind=K.SERVICE)
    client.post(f"/organisations/{service.pk}/change/", {"name": "S2", "schools": [two.pk]})
    service.refresh_from_db()
    assert service.name == "S2"
    assert list(CatchmentSchool.objects.values_list("school__code", flat=True)) == ["NZ-2"]


def test_a_school_id_already_taken_is_named(client, installer):
    sign_in(client, installer)
    client.post("/organisations/add/school/", {"code": "NZ-7", "name": "Rimu", "pack": "nz"})
    again = client.post("/organisations/add/school/", {"code": "NZ-7", "name": "X", "pack": "nz"})
    assert again.status_code == 400
    assert "A school with id &#x27;NZ-7&#x27; already exists" in again.content.decode()


def test_an_organisations_admin_does_not_see_the_installations_pages(client, nz_school):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_user("admin")
    Membership.objects.create(
        user=admin, organisation=nz_school.organisation, role=Membership.Role.ORG_ADMIN
    )
    sign_in(client, admin)
    for url in (
        "/organisations/",
        "/organisations/add/school/",
        f"/organisations/{nz_school.organisation_id}/change/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_commands_add_organisations_and_name_what_is_wrong(db):
    run("org", "add", "school", "--id", "NZ-7", "--name", "Rimu School", "--pack", "nz")
    out = run("org", "add", "service", "--name", "Rimu AS", "--pack", "nz", "--covers", "NZ-7")
    assert "Rimu AS covers:\n\tNZ-7\tRimu School" in out
    out = run("org", "add", "team", "--name", "Pros", "--pack", "nz", "--services", "Rimu AS")
    assert "takes from:" in out and "Rimu AS" in out
    listed = run("org", "list")
    assert "Rimu School (school)" in listed and "Pros (prosecutions" in listed
    with pytest.raises(CommandError, match="already exists"):
        run("org", "add", "school", "--id", "NZ-7", "--name", "Again", "--pack", "nz")
    with pytest.raises(CommandError, match="no attendance service is called or numbered 'Nope'"):
        run("org", "add", "team", "--name", "T", "--pack", "nz", "--services", "Nope")
