"""Backups: a backup restored into an empty database holds every record."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from stepwise.ops.backups import BackupError, backup, restore
from stepwise.register.importers.register import import_register
from tests.conftest import REGISTER_HEADER, csv_bytes


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def fill(nz_roster) -> None:
    import_register(
        csv_bytes(
            REGISTER_HEADER, "NZ-1,100000001,2026-10-12,AM,P", "NZ-1,100000001,2026-10-12,PM,M"
        ),
        file_name="day.csv",
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_finds_every_record(nz_roster, tmp_path):
    fill(nz_roster)
    before = counts()
    assert before["register.RegisterTerm"] == 1 and before["schools.Student"] == 3
    file = backup(tmp_path / "backup.bin")
    assert file.stat().st_size > 0

    # Restore into a brand-new, empty database through the command line, as an admin would.
    env = {**os.environ, "STEPWISE_PROGRESS": "0"}
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{target}"
    else:
        import psycopg

        s = connection.settings_dict
        admin = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
        name = f"{s['NAME']}_restored"
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
            c.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = admin.rsplit("/", 1)[0] + f"/{name}"
    subprocess.run(
        [sys.executable, "-m", "stepwise.cli", "restore", str(file), "--yes"],
        env=env,
        check=True,
        capture_output=True,
    )
    script = (
        "import django, json; django.setup();"
        "from django.apps import apps;"
        "print(json.dumps({m._meta.label: m.objects.count() for m in apps.get_models()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "stepwise.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    import json

    assert json.loads(out.stdout) == before


@pytest.mark.django_db
def test_restoring_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    with pytest.raises(BackupError):
        restore(bogus)
    with pytest.raises(BackupError, match="no backup file"):
        restore(Path(tmp_path / "missing"))
