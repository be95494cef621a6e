"""The demo loads through the real import path and its standings match the snapshot."""

from pathlib import Path

import pytest

from stepwise.demo.load import DEMO_PASSWORD, demo_load
from stepwise.demo.snapshot import AS_OF, SNAPSHOT_DIR, snapshot_files
from stepwise.letters.batches.selectors import print_file
from stepwise.letters.models import LetterBatch
from stepwise.register.models import ImportRun
from stepwise.schools.models import CatchmentSchool
from stepwise.standings.models import ThresholdEvent


@pytest.mark.django_db(transaction=True)
def test_the_demo_standings_match_the_committed_snapshot(client):
    logins = demo_load(as_of=AS_OF)
    files = snapshot_files()
    committed = {p.name: p.read_text() for p in Path(SNAPSHOT_DIR).glob("*.csv")}
    assert sorted(files) == sorted(committed), "run `make snapshot` and review the diff"
    for name, text in files.items():
        assert text == committed[name], f"{name} differs: run `make snapshot` and review the diff"
    # Every demo file went through the importers and was accepted whole.
    assert ImportRun.objects.exclude(outcome=ImportRun.Outcome.IMPORTED).count() == 0
    assert ThresholdEvent.objects.filter(threshold="amp15").exists()
    assert ThresholdEvent.objects.filter(threshold="statutory_intervention").exists()
    # The New Zealand school has sent one batch of letter 1, finished, with a PDF to print.
    (batch,) = LetterBatch.objects.all()
    assert batch.status == "done" and batch.sent > 0
    assert print_file(batch).letters == batch.sent
    assert {login.username for login in logins} >= {"nz-officer", "kent-officer"}
    # Each country's attendance service covers its own country's school, and only that one.
    assert sorted(CatchmentSchool.objects.values_list("service__name", "school__pack")) == [
        ("Kent Attendance Support Service", "kent"),
        ("Kōwhai Attendance Service", "nz"),
    ]
    signed_in = client.post("/sign-in/", {"username": "nz-officer", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_demo_admins_get_an_authenticator_whose_code_the_demo_can_print():
    from io import StringIO

    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from stepwise.demo.load import DEMO_DEVICE_NAME, _add_members
    from stepwise.onboarding.organisations import school_setup

    school = school_setup(code="D", name="Demo", pack="nz", today=AS_OF)
    (login,) = _add_members(school.organisation, "nz", [("admin", "school_admin")])
    assert len(login.totp_key) == 32
    device = TOTPDevice.objects.get(user__username="nz-admin", name=DEMO_DEVICE_NAME)
    out = StringIO()
    call_command("demo-code", "nz-admin", stdout=out)
    assert device.verify_token(out.getvalue().strip())
