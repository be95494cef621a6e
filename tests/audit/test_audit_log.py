"""Organisation admins browse and export their own organisation's audit log, and nobody else's."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership
from stepwise.audit.models import AuditEvent
from stepwise.schools.services import school_add
from tests.conftest import TODAY, sign_in

# Who may see what: the admin of school A sees A's log; the officer of A, and the
# admin of school B, see nothing of it (404, as if it did not exist).


@pytest.fixture
def people(db):
    users = get_user_model()
    a = school_add(code="A", name="School A", pack="nz", today=TODAY)
    b = school_add(code="B", name="School B", pack="nz", today=TODAY)
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
    assert rows[0] == ["at", "user", "action", "object_type", "object_id", "detail", "ip_address"]
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
