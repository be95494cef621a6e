"""A school's Imports page lists every import and push that touched it, newest first:
who (a person, an API token, the command line), when, file name and SHA-256, rows,
outcome and what changed. Another school's imports are not on it.
"""

import hashlib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.accounts.models import Membership
from stepwise.api.pushes import push_batch
from stepwise.api.services import token_create
from stepwise.schools.services import school_add
from tests.conftest import ROSTER_HEADER, csv_bytes, sign_in


@pytest.fixture
def leader(nz_school):
    user = get_user_model().objects.create_user("leader")
    Membership.objects.create(
        user=user, organisation=nz_school.organisation, role=Membership.Role.SCHOOL_LEADER
    )
    return user


def test_pushes_and_command_line_imports_are_listed_newest_first(
    client, leader, nz_school, tmp_path
):
    other = school_add(code="NZ-2", name="Other School", pack="nz")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        csv_bytes(ROSTER_HEADER, "NZ-1,100000001,Aroha,Ngata,2011-03-04,10,2026-01-28,")
    )
    call_command("import", "roster", str(roster), stdout=StringIO())
    bad = tmp_path / "other.csv"
    bad.write_bytes(csv_bytes(ROSTER_HEADER, "NZ-2,200000001,Hana,Whetu,2011-03-04,10,nope,"))
    with pytest.raises(CommandError):
        call_command("import", "roster", str(bad), stdout=StringIO())
    token, _ = token_create(
        organisation=nz_school.organisation, name="SMS nightly", created_by=None
    )
    mark = {"student_id": "100000001", "date": "2026-11-23", "session": "AM", "code": "P"}
    push_batch(kind="register", school=nz_school, token=token, rows=[mark])

    sign_in(client, leader)
    page = client.get("/schools/NZ-1/imports/").content.decode()
    rows = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0].split("<tr")[1:]
    assert len(rows) == 2  # NZ-2's refused file is NZ-2's
    assert "API token ‘SMS nightly’" in rows[0] and "1 new marks" in rows[0]
    assert "The command line" in rows[1] and "roster.csv" in rows[1]
    assert hashlib.sha256(roster.read_bytes()).hexdigest()[:12] in rows[1]
    assert "other.csv" not in page
    assert other.import_runs.get().outcome == "rejected"
