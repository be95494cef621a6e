"""An import killed mid-way leaves all or nothing, and running it again gives the same result."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import REGISTER_HEADER, ROSTER_HEADER

STUDENTS = 3000
DAYS = ["2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16", "2026-10-19"]


def stepwise(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stepwise.cli", *args], env=env, check=True, capture_output=True
    )


def database(tmp_path: Path, name: str):
    """Return a fresh database's environment, a query function, and a "writing now?" probe."""
    env = {**os.environ, "STEPWISE_PROGRESS": "0", "DJANGO_SETTINGS_MODULE": "stepwise.settings"}
    if connection.vendor == "sqlite":
        path = tmp_path / f"{name}.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"

        def query(sql: str):
            with sqlite3.connect(path) as c:
                return c.execute(sql).fetchall()

        def writing() -> bool:
            # Stepwise opens write transactions with BEGIN IMMEDIATE, which takes the
            # database's write lock at once: while the import's transaction is open,
            # nobody else can take it.
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()

        def settle() -> None:
            pass
    else:
        import psycopg

        s = connection.settings_dict
        server = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}"
        db = f"{s['NAME']}_{name}"
        with psycopg.connect(f"{server}/{s['NAME']}", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {db}")
            c.execute(f"CREATE DATABASE {db}")
        env["DATABASE_URL"] = f"{server}/{db}"

        def query(sql: str):
            with psycopg.connect(env["DATABASE_URL"]) as c:
                return c.execute(sql).fetchall()

        def writing() -> bool:
            # A transaction gets an id once it writes.
            with psycopg.connect(f"{server}/{s['NAME']}") as c:
                row = c.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND backend_xid IS NOT NULL",
                    [db],
                ).fetchone()
            return bool(row and row[0])

        def settle() -> None:
            pass

    stepwise(env, "migrate", "--verbosity", "0")
    stepwise(env, "school", "add", "--id", "NZ-1", "--name", "Kill Test", "--pack", "nz")
    return env, query, writing, settle


def files(tmp_path: Path) -> tuple[Path, Path]:
    roster = tmp_path / "roster.csv"
    ids = [str(200000000 + i) for i in range(STUDENTS)]
    roster.write_text(
        "\n".join([ROSTER_HEADER, *(f"NZ-1,{i},Test,Pupil,2012-01-01,9,2026-01-28," for i in ids)])
        + "\n"
    )
    register = tmp_path / "register.csv"
    codes = "MMT?TMP"
    rows = [
        f"NZ-1,{i},{d},{s},{codes[(n + k) % len(codes)]}"
        for n, i in enumerate(ids)
        for k, d in enumerate(DAYS)
        for s in ("AM", "PM")
    ]
    register.write_text("\n".join([REGISTER_HEADER, *rows]) + "\n")
    return roster, register


STATE = (
    "SELECT (SELECT count(*) FROM register_registerterm), "
    "(SELECT count(*) FROM standings_thresholdevent), "
    "(SELECT count(*) FROM register_importrun WHERE kind = 'register' AND outcome != 'rejected')"
)
MARKS = (
    "SELECT s.national_id, r.marks FROM register_registerterm r "
    "JOIN schools_student s ON s.id = r.student_id ORDER BY 1"
)


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_midway_leaves_nothing_and_can_be_run_again(tmp_path):
    roster, register = files(tmp_path)
    reference_env, reference, _, _ = database(tmp_path, "reference")
    stepwise(reference_env, "import", "roster", str(roster))
    stepwise(reference_env, "import", "register", str(register))
    expected = reference(STATE)[0]
    assert expected[0] == STUDENTS and expected[1] > 0

    env, killed, writing, settle = database(tmp_path, "killed")
    stepwise(env, "import", "roster", str(roster))
    settle()
    process = subprocess.Popen(
        [sys.executable, "-m", "stepwise.cli", "import", "register", str(register)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not writing() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the import finished before it could be killed mid-way"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert killed(STATE)[0] == (0, 0, 0)  # nothing of the file survived the kill

    stepwise(env, "import", "register", str(register))
    assert killed(STATE)[0] == expected
    assert killed(MARKS) == reference(MARKS)
