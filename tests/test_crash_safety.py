"""An import killed mid-way leaves nothing, and running it again gives the same result.

Roster, caregivers and register alike: each file is one transaction.
"""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import REGISTER_HEADER, ROSTER_HEADER

CAREGIVER_HEADER = (
    "school_id,student_id,caregiver_id,given_name,family_name,relationship,lives_with_student,"
    "parental_responsibility,email,phone,address,preferred_language"
)

STUDENTS = 3000
DAYS = ["2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16", "2026-10-19"]


def stepwise(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stepwise.cli", *args], env=env, check=True, capture_output=True
    )


def database(tmp_path: Path, name: str):
    """Return a fresh database's environment (with one school) and a query function."""
    env = {**os.environ, "STEPWISE_PROGRESS": "0", "DJANGO_SETTINGS_MODULE": "stepwise.settings"}
    if connection.vendor == "sqlite":
        path = tmp_path / f"{name}.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"

        def query(sql: str):
            with sqlite3.connect(path) as c:
                return c.execute(sql).fetchall()
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

    stepwise(env, "migrate", "--verbosity", "0")
    stepwise(env, "school", "add", "--id", "NZ-1", "--name", "Kill Test", "--pack", "nz")
    return env, query


def files(tmp_path: Path) -> dict[str, Path]:
    """Write a roster, a caregivers file (two caregivers a student) and a register."""
    ids = [str(200000000 + i) for i in range(STUDENTS)]
    roster = [f"NZ-1,{i},Test,Pupil,2012-01-01,9,2026-01-28," for i in ids]
    caregivers = [
        f"NZ-1,{i},CG-{i}-{k},Care,Giver{k},{relationship},yes,yes,cg{i}{k}@example.org,"
        f'021 000 000{k},"{k} Example Street, Town",en'
        for i in ids
        for k, relationship in enumerate(("mother", "father"))
    ]
    codes = "MMT?TMP"
    register = [
        f"NZ-1,{i},{d},{s},{codes[(n + k) % len(codes)]}"
        for n, i in enumerate(ids)
        for k, d in enumerate(DAYS)
        for s in ("AM", "PM")
    ]
    out = {}
    for kind, header, rows in (
        ("roster", ROSTER_HEADER, roster),
        ("caregivers", CAREGIVER_HEADER, caregivers),
        ("register", REGISTER_HEADER, register),
    ):
        out[kind] = tmp_path / f"{kind}.csv"
        out[kind].write_text("\n".join([header, *rows]) + "\n")
    return out


def _run_counted(kind: str) -> str:
    return (
        f"(SELECT count(*) FROM register_importrun WHERE kind = '{kind}' AND outcome != 'rejected')"
    )


# What each import writes (the last count is its own record of the run), and what the
# same data looks like row by row, to compare a database against the reference.
STATE = {
    "roster": "SELECT (SELECT count(*) FROM schools_student), "
    "(SELECT count(*) FROM schools_enrolment), " + _run_counted("roster"),
    "caregivers": "SELECT (SELECT count(*) FROM schools_caregiver), "
    "(SELECT count(*) FROM schools_studentcaregiver), " + _run_counted("caregivers"),
    "register": "SELECT (SELECT count(*) FROM register_registerterm), "
    "(SELECT count(*) FROM standings_thresholdevent), " + _run_counted("register"),
}
ROWS = {
    "roster": "SELECT s.national_id, s.given_name, e.year_level, e.enrolled_from "
    "FROM schools_enrolment e JOIN schools_student s ON s.id = e.student_id ORDER BY 1",
    "caregivers": "SELECT s.national_id, c.ref, c.email, l.relationship "
    "FROM schools_studentcaregiver l JOIN schools_caregiver c ON c.id = l.caregiver_id "
    "JOIN schools_student s ON s.id = l.student_id ORDER BY 1, 2",
    "register": "SELECT s.national_id, r.marks FROM register_registerterm r "
    "JOIN schools_student s ON s.id = r.student_id ORDER BY 1",
}
# The files each import needs before it (caregivers and marks belong to rostered students).
BEFORE = {"roster": (), "caregivers": ("roster",), "register": ("roster",)}
# Where each import is killed: once it has written its first table (students, caregivers,
# the marks) and is about to write the next (enrolments, the links, threshold events).
KILLED_AT = {
    "roster": "stepwise.schools.models:Enrolment.objects.bulk_create",
    "caregivers": "stepwise.schools.models:StudentCaregiver.objects.bulk_create",
    "register": "stepwise.intake.services:terms_evaluate",
}


@pytest.mark.parametrize("kind", ["roster", "caregivers", "register"])
@pytest.mark.django_db(transaction=True)
def test_an_import_killed_midway_leaves_nothing_and_can_be_run_again(tmp_path, kind):
    paths = files(tmp_path)
    reference_env, reference = database(tmp_path, "reference")
    for earlier in (*BEFORE[kind], kind):
        stepwise(reference_env, "import", earlier, str(paths[earlier]))
    expected = reference(STATE[kind])[0]
    assert expected[0] > 0 and expected[1] > 0 and expected[2] == 1

    env, killed = database(tmp_path, "killed")
    for earlier in BEFORE[kind]:
        stepwise(env, "import", earlier, str(paths[earlier]))
    before = killed(STATE[kind])[0]
    process = subprocess.run(
        [sys.executable, "-m", "tests.die_during", KILLED_AT[kind], "import", kind, paths[kind]],
        env=env,
        capture_output=True,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()[-2000:]
    assert killed(STATE[kind])[0] == before == (0, 0, 0)  # nothing of the file survived

    stepwise(env, "import", kind, str(paths[kind]))
    assert killed(STATE[kind])[0] == expected
    assert killed(ROWS[kind]) == reference(ROWS[kind])
