"""Organisation admins browse and export their own organisation's audit log, and nobody else's."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership, Organisation
from stepwise.audit.models import AuditEvent
from stepwise.onboarding.organisations import school_setup
from tests.conftest import TODAY, sign_in

# Who may see what: the admin of school A sees A's log; the officer of A, and the
# admin of school B, see nothing of it (404, as if it did not exist).


@pytest.fixture
def people(db):
    users = get_user_model()
    a = school_setup(code="A", name="School A", pack="nz", today=TODAY)
    b = school_setup(code="B", name="School B", pack="nz", today=TODAY)
    made = {}
    for name, school, role in (
        ("admin_a", a, Membership.Role.SCHOOL_ADMIN),
        ("officer_a", a, Membership.Role.ATTENDANCE_OFFICER),
        ("admin_b", b, Membership.Role.SCHOOL_ADMIN),
    ):
        user = users.objects.create_user(name, password="pw-for-tests-only")
        Membership.objects.create(user=user, organisation=school.organisation, role=role)
        made[name] = user
    AuditEvent.objects.create(
        user=made["officer_a"],
        organisation=a.organisation,
        action="view",
        object_type="student",
        object_id="17",
        detail="A 2026T4",
    )
    AuditEvent.objects.create(
        user=made["admin_b"],
        organisation=b.organisation,
        action="view",
        object_type="student",
        object_id="99",
        detail="B secret",
    )
    return a, b, made


def test_an_admin_sees_their_organisations_entries_only(client, people):
    a, _, made = people
    sign_in(client, made["admin_a"])
    page = client.get(f"/organisations/{a.organisation.pk}/audit/")
    assert page.status_code == 200
    assert b"A 2026T4" in page.content
    assert b"B secret" not in page.content


@pytest.mark.parametrize("who", ["officer_a", "admin_b"])
def test_others_cannot_see_the_log(client, people, who):
    a, _, made = people
    sign_in(client, made[who])
    assert client.get(f"/organisations/{a.organisation.pk}/audit/").status_code == 404
    assert client.get(f"/organisations/{a.organisation.pk}/audit/export/").status_code == 404


def test_the_export_is_csv_and_is_itself_audited(client, people):
    a, _, made = people
    sign_in(client, made["admin_a"])
    response = client.get(f"/organisations/{a.organisation.pk}/audit/export/?action=view")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "at", "user", "action", "object_type", "object_id", "detail", "listed", "ip_address",
    ]  # fmt: skip
    assert [r[1:6] for r in rows[1:]] == [["officer_a", "view", "student", "17", "A 2026T4"]]
    assert (
        AuditEvent.objects.filter(
            action="export", object_type="audit_log", user=made["admin_a"]
        ).count()
        == 1
    )


def test_a_bad_filter_date_is_named(client, people):
    a, _, made = people
    sign_in(client, made["admin_a"])
    page = client.get(f"/organisations/{a.organisation.pk}/audit/?start=2026-13-01")
    assert page.status_code == 200
    assert b"From (YYYY-MM-DD): Enter a valid date." in page.content


# A service's managers read their service's log; its caseworkers do not. A prosecutions
# team's log is read by the team's organisation admin. Nobody reads another's.
@pytest.fixture
def service_and_team(people):
    users = get_user_model()
    service = Organisation.objects.create(name="Service", kind=Organisation.Kind.SERVICE)
    team = Organisation.objects.create(name="Team", kind=Organisation.Kind.PROSECUTIONS)
    made = {}
    for name, org, role in (
        ("manager", service, Membership.Role.SERVICE_MANAGER),
        ("caseworker", service, Membership.Role.CASEWORKER),
        ("team_admin", team, Membership.Role.ORG_ADMIN),
        ("prosecutor", team, Membership.Role.PROSECUTIONS_OFFICER),
    ):
        made[name] = users.objects.create_user(name, password="pw-for-tests-only")
        Membership.objects.create(user=made[name], organisation=org, role=role)
    for org in (service, team):
        AuditEvent.objects.create(
            user=made["caseworker"], organisation=org, action="view", object_type="case",
            object_id="3", detail=f"seen at {org.name}",
        )  # fmt: skip
    return service, team, made


@pytest.mark.parametrize(
    ("who", "whose", "status"),
    [
        # (the user, whose log they ask for, the answer)
        ("manager", "service", 200),
        ("caseworker", "service", 404),
        ("team_admin", "team", 200),
        ("prosecutor", "team", 404),
        ("manager", "team", 404),
        ("team_admin", "service", 404),
    ],
)
def test_a_service_and_a_team_each_have_someone_who_reads_their_log(
    client, service_and_team, who, whose, status
):
    service, team, made = service_and_team
    organisation = {"service": service, "team": team}[whose]
    sign_in(client, made[who])
    page = client.get(f"/organisations/{organisation.pk}/audit/")
    assert page.status_code == status
    if status == 200:
        assert f"seen at {organisation.name}".encode() in page.content
        assert client.get(f"/organisations/{organisation.pk}/audit/export/").status_code == 200


def test_the_menu_offers_a_service_manager_their_services_log(client, service_and_team):
    service, _, made = service_and_team
    sign_in(client, made["manager"])
    page = client.get(f"/services/{service.pk}/cases/")
    assert f'href="/organisations/{service.pk}/audit/"'.encode() in page.content
