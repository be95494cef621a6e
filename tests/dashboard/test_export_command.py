"""`stepwise export ministry`: the same export from the command line, audited."""

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.audit.models import AuditEvent

from .test_export import EXPECTED_ATTENDANCE, EXPECTED_RESPONSES, MARKER, read_zip, small_school

__all__ = ["small_school"]  # the fixture, shared with test_export


def run(*args: str) -> str:
    out = StringIO()
    call_command("export", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_writes_the_export_and_audits_it(small_school, tmp_path):
    path = tmp_path / "out.zip"
    out = run("ministry", "--school", "NZ-2100", "--from", "2026-10-23", "--to", "2026-10-27",
              "--output", str(path))  # fmt: skip
    assert out == (
        f"Wrote {path}: 6 attendance rows and 2 response activities for NZ-2100, "
        "2026-10-23 to 2026-10-27.\n"
    )
    files = read_zip(path.read_bytes())
    assert files == {"attendance.csv": EXPECTED_ATTENDANCE, "responses.csv": EXPECTED_RESPONSES}
    assert MARKER not in str(files)
    (event,) = AuditEvent.objects.filter(object_type="ministry_export")
    assert (event.user, event.organisation, event.action, event.object_id) == (
        None,
        small_school.organisation,
        "export",
        "NZ-2100",
    )
    assert not list(tmp_path.glob("*.partial"))


def test_it_names_the_file_after_the_school_and_period(small_school, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("ministry", "--school", "NZ-2100", "--from", "2026-10-01", "--to", "2026-10-31")
    assert (tmp_path / "ministry-export-NZ-2100-2026-10-01-to-2026-10-31.zip").exists()


# (arguments, the error)
BAD = [
    (["--school", "NOPE", "--from", "2026-10-01", "--to", "2026-10-31"],
     "no school with id 'NOPE'"),
    (["--school", "NZ-2100", "--from", "1 Oct", "--to", "2026-10-31"],
     "The first day must be a real date written as YYYY-MM-DD"),
    (["--school", "NZ-2100", "--from", "2026-10-31", "--to", "2026-10-01"],
     "The last day must be the same as or after the first day"),
    (["--school", "NZ-2100", "--from", "2024-10-01", "--to", "2026-10-31"],
     "The period can be at most 366 days long"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "error"), BAD)
def test_a_bad_school_or_period_is_refused(small_school, tmp_path, args, error):
    with pytest.raises(CommandError, match=error):
        run("ministry", *args, "--output", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_an_output_it_cannot_write(small_school, tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        run("ministry", "--school", "NZ-2100", "--from", "2026-10-01", "--to", "2026-10-31",
            "--output", str(tmp_path / "missing" / "x.zip"))  # fmt: skip


def test_it_explains_itself():
    out = subprocess.run(
        [sys.executable, "-m", "stepwise.cli", "export", "ministry", "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "usage:" in out.stdout
    for option in ("--school", "--from", "--to", "--output"):
        assert option in out.stdout
    assert "truancy_class" in out.stdout and "recorded_on" in out.stdout
    top = subprocess.run(
        [sys.executable, "-m", "stepwise.cli", "export", "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "ministry" in top.stdout
    assert "Private notes are never exported" in top.stdout
