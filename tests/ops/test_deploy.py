"""`stepwise deploy` and `stepwise serve --production` refuse a database this release does not
match: one a newer release has migrated, or (for serving) one not yet migrated; and several
web workers without a shared cache."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder


def test_deploy_refuses_a_database_a_newer_release_has_migrated(db):
    MigrationRecorder(connection).record_applied("cases", "0099_from_a_newer_release")
    with pytest.raises(CommandError, match=r"1 migration\(s\) this code does not have "):
        call_command("deploy")
    with pytest.raises(CommandError, match=r"cases\.0099_from_a_newer_release"):
        call_command("serve", production=True, workers=1)


def test_deploy_says_whether_the_database_needs_it(db, capsys):
    call_command("deploy", check=True)
    assert "up to date with this release" in capsys.readouterr().out
    latest = MigrationRecorder.Migration.objects.filter(app="letters").latest("id")
    latest.delete()
    with pytest.raises(CommandError, match=r"1 migration\(s\) to apply: run `stepwise deploy`"):
        call_command("deploy", check=True)
    with pytest.raises(CommandError, match=r"lacks 1 migration\(s\) of this release"):
        call_command("serve", production=True, workers=1)


def test_several_web_workers_need_a_shared_cache(db, settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="2 web workers need a shared cache: set REDIS_URL"):
        call_command("serve", production=True, workers=2)
