"""The `stepwise` command line: each command works and explains itself."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import REGISTER_HEADER

OUR_COMMANDS = [
    "school",
    "calendar",
    "import",
    "import-profile",
    "evaluate",
    "standings",
    "export",
    "demo",
    "demo-code",
    "serve",
    "backup",
    "restore",
    "subject-access",
    "retention",
    "api-token",
    "user",
    "org",
    "admin",
]


@pytest.mark.parametrize("command", OUR_COMMANDS)
def test_every_command_has_help(command):
    out = subprocess.run(
        [sys.executable, "-m", "stepwise.cli", command, "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "usage:" in out.stdout
    assert len(out.stdout.splitlines()) > 3


def test_the_stepwise_command_lists_its_commands():
    out = subprocess.run([sys.executable, "-m", "stepwise.cli"], capture_output=True, text=True)
    for command in OUR_COMMANDS:
        assert f"  {command}" in out.stdout


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_a_school_is_added_with_its_terms_and_its_calendar_shown():
    out = run("school", "add", "--id", "K-1", "--name", "Kent Test", "--pack", "kent")
    assert "Added Kent Test (K-1)" in out
    calendar = run("calendar", "--school", "K-1", "--year", "2026")
    assert "2026T1  Autumn 2026: 2026-09-01 to 2026-12-18" in calendar
    assert "closed 2026-10-26 Mon: Half term" in calendar
    with pytest.raises(CommandError, match="already exists"):
        run("school", "add", "--id", "K-1", "--name", "Again", "--pack", "kent")


@pytest.mark.django_db
def test_import_evaluate_and_standings_from_the_command_line(nz_roster, tmp_path):
    days = ["2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16"]
    rows = [f"NZ-1,100000001,{d},{s},T" for d in days for s in ("AM", "PM")]
    register = tmp_path / "week.csv"
    register.write_text("\n".join([REGISTER_HEADER, *rows]) + "\n")
    out = run("import", "register", str(register))
    assert "10 new marks" in out
    assert "1 threshold events reached" in out
    standings = json.loads(
        run("standings", "--school", "NZ-1", "--term", "2026T4", "--format", "json",
            "--as-of", "2026-10-16")
    )  # fmt: skip
    aroha = next(r for r in standings if r["student_id"] == "100000001")
    assert (aroha["days_absent"], aroha["reached_amp5"], aroha["tier"]) == (
        5.0,
        "2026-10-16",
        "worrying",
    )
    csv_out = run("standings", "--school", "NZ-1", "--term", "2026T4", "--as-of", "2026-10-16")
    assert csv_out.splitlines()[0].startswith("student_id,given_name,family_name,year_level")


@pytest.mark.django_db
def test_a_rejected_import_says_what_is_wrong(nz_roster, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTER_HEADER + "\nNZ-1,100000001,2026-10-12,AM,W\n")
    with pytest.raises(CommandError, match="line 2, column code: 'W' is not a code"):
        run("import", "register", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        run("import", "register", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_an_api_token_is_made_listed_used_and_revoked_from_the_command_line(nz_school):
    from django.test import Client

    secret = run("api-token", "add", "--school", "NZ-1", "--name", "SMS push").strip()
    assert secret.startswith("swt_")
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/v1/schools", headers=headers).status_code == 200
    prefix = secret.split("_")[1]
    assert f"swt_{prefix}_…  SMS push  (active; last used" in run(
        "api-token", "list", "--school", "NZ-1"
    )
    assert secret not in run("api-token", "list", "--school", "NZ-1")
    assert "Revoked" in run("api-token", "revoke", "--school", "NZ-1", prefix)
    assert Client().get("/api/v1/schools", headers=headers).status_code == 401
    with pytest.raises(CommandError, match="no token"):
        run("api-token", "revoke", "--school", "NZ-1", "nope")
