"""Which format a register upload is read in: Stepwise CSV, or a system's export through
an import profile of the school's rule pack; and who may save that choice for the school.

Who may do what: the school's officer uploads with any listed format but cannot save one;
its admin may save one (as they review its code mappings).
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from stepwise.accounts.models import Membership
from stepwise.onboarding.models import ImportUpload
from stepwise.register.models import ImportRun, RegisterTerm, SchoolImportProfile
from tests.conftest import REGISTER_HEADER, csv_bytes, sign_in

from .test_uploads import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
R = Membership.Role
KAMAR_FILE = Path(__file__).resolve().parents[1] / "data" / "kamar_register.txt"


def send(client, kind: str, name: str, data: bytes, **fields: str):
    return client.post("/schools/NZ-1/imports/", {
        "kind": kind, "upload": SimpleUploadedFile(name, data, content_type="text/csv"), **fields,
    })  # fmt: skip


@pytest.fixture
def officer(nz_school):
    user = get_user_model().objects.create_user("tui@kauri.example")
    Membership.objects.create(
        user=user, organisation=nz_school.organisation, role=R.ATTENDANCE_OFFICER
    )
    return user


@pytest.fixture
def admin(nz_school):
    user = get_user_model().objects.create_user("hemi@kauri.example")
    Membership.objects.create(user=user, organisation=nz_school.organisation, role=R.SCHOOL_ADMIN)
    return user


def test_an_officer_uploads_a_kamar_export_through_its_profile(client, officer, nz_roster):
    sign_in(client, officer)
    page = client.get("/schools/NZ-1/imports/").content.decode()
    assert '<option value="kamar">KAMAR</option>' in page and 'value="sims"' not in page
    assert "save_profile" not in page  # only an admin saves the school's format
    assert send(client, "register", "kamar.txt", KAMAR_FILE.read_bytes(),
                profile="kamar", save_profile="yes").status_code == 302  # fmt: skip
    run_worker()
    done = ImportUpload.objects.get()
    assert (done.status, done.profile, done.rows) == ("imported", "kamar", 20), done.problems
    assert RegisterTerm.objects.count() == 2
    assert not SchoolImportProfile.objects.exists()


def test_an_admin_saves_the_format_and_the_page_offers_it_next_time(client, admin, nz_roster):
    sign_in(client, admin)
    sent = send(client, "register", "kamar.txt", KAMAR_FILE.read_bytes(), profile="kamar",
                save_profile="yes")  # fmt: skip
    assert sent.status_code == 302
    assert SchoolImportProfile.objects.get(school=nz_roster).profile == "kamar"
    page = client.get("/schools/NZ-1/imports/").content.decode()
    assert '<option value="kamar" selected>KAMAR (this school’s saved format)</option>' in page


@pytest.mark.parametrize(
    "kind, profile, message",
    [
        # (what the file holds, the format asked for, what the page says)
        ("roster", "kamar", "A system’s format is for register files: choose Stepwise CSV"),
        ("register", "sims", "Select one of the formats listed"),  # an England system
        ("register", "nonesuch", "Select one of the formats listed"),
    ],
)
def test_a_format_that_does_not_fit_is_refused_before_anything_is_kept(
    client, admin, nz_roster, kind, profile, message
):
    sign_in(client, admin)
    refused = send(client, kind, "file.csv", b"a,b\n1,2\n", profile=profile, save_profile="yes")
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not ImportUpload.objects.exists() and not SchoolImportProfile.objects.exists()


def test_a_file_the_profile_cannot_read_is_refused_at_its_own_line_and_column(
    client, officer, nz_roster
):
    sign_in(client, officer)
    text = KAMAR_FILE.read_bytes().decode("utf-16")  # KAMAR saves UTF-16, as schools get it
    bad = text.replace("12/10/2026", "31/02/2026", 1).encode("utf-16")
    send(client, "register", "kamar.txt", bad, profile="kamar")
    run_worker()
    done = ImportUpload.objects.get()
    assert done.status == "rejected"
    line, column, message = done.problems[0]
    assert (line, column) == (2, "Date") and "31/02/2026" in message, done.problems
    assert ImportRun.objects.filter(outcome="rejected", file_name="kamar.txt").exists()
    assert not RegisterTerm.objects.exists()


def test_another_schools_rows_are_refused_however_wrong_they_are(client, officer, nz_roster):
    from stepwise.onboarding.organisations import school_setup
    from tests.conftest import TODAY

    school_setup(code="NZ-2", name="Rimu School", pack="nz", today=TODAY)
    sign_in(client, officer)
    data = csv_bytes(REGISTER_HEADER, "NZ-1,100000001,2026-11-23,AM,P",
                     "NZ-2,200000009,2026-11-23,AM,P")  # fmt: skip
    send(client, "register", "register.csv", data)
    run_worker()
    done = ImportUpload.objects.get()
    # Not "not on NZ-2's roster": that would tell NZ-1's staff what Rimu School holds.
    assert done.problems == [
        [3, "school_id", "'NZ-2' is not NZ-1: this page imports Kauri Test College's rows only"]
    ]
    run = ImportRun.objects.get(outcome="rejected")
    assert "NZ-2's roster" not in run.message and "is not NZ-1" in run.message
    assert not RegisterTerm.objects.exists()
