"""The demo loads through the real import path and its standings match the snapshot."""

from pathlib import Path

import pytest
from django.contrib.auth import authenticate

from stepwise.demo.load import DEMO_PASSWORD, demo_load
from stepwise.demo.snapshot import AS_OF, SNAPSHOT_DIR, snapshot_files
from stepwise.register.models import ImportRun
from stepwise.standings.models import ThresholdEvent


@pytest.mark.django_db(transaction=True)
def test_the_demo_standings_match_the_committed_snapshot():
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
    assert {login.username for login in logins} >= {"nz-officer", "kent-officer"}
    assert authenticate(username="nz-officer", password=DEMO_PASSWORD) is not None
