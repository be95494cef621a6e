"""Push one national school day through the API: 1.66 million marks, school by school.

The same country as `national_day` (about 2,500 schools and 830,000 students, the term's
earlier marks already stored and evaluated). Each school's student management system
then pushes its day to `POST /api/v1/schools/{school}/marks` with its own token and an
Idempotency-Key, in batches of at most `--batch` marks (a school's whole day is one
batch by default), and Stepwise imports and re-evaluates that school's term in each
request, as it does for any push. The requests go through the whole Django stack
(middleware, URL routing, token check, rate limit, JSON parsing, the register import)
in-process, through Django's test client: the figure excludes HTTP and network time.

    python -m benchmarks api_push --database sqlite
    python -m benchmarks api_push --database postgres --students 83000 --schools 250
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.national_day import DAY, PG_ADMIN_URL, _setup

NAME = "api_push"
DESCRIPTION = "push one national day (1.66M marks) through the API in batches: marks per second"
PG_BENCH_DB = "stepwise_bench_api"  # its own: national_day drops and recreates stepwise_bench
CODES = np.array(["P", "P", "P", "P", "P", "P", "P", "P", "M", "T", "?", "L"])


def _database_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def run(database: str, students: int, schools: int, batch: int, seed: int) -> dict[str, float]:
    """Run the benchmark in a child process with its own database; return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": _database_url(database, Path(tmp)),
               "STEPWISE_DATA_DIR": tmp, "STEPWISE_PROGRESS": "0"}  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.api_push", "--child", "--students", str(students),
             "--schools", str(schools), "--batch", str(batch), "--seed", str(seed)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        print(out.stdout, end="")
        if out.returncode:
            print(out.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"the benchmark failed on {database}")
        return {
            line.split()[1]: float(line.split()[2])
            for line in out.stdout.splitlines()
            if line.startswith("RESULT ")
        }


def _bodies(students: int, schools: int, batch: int, seed: int) -> list[tuple[str, str, bytes]]:
    """Return (school code, Idempotency-Key, JSON body) for every request of the day."""
    rng = np.random.default_rng(seed)
    school_of = rng.integers(0, schools, size=students)
    day = DAY.isoformat()
    rows_of: list[list[dict[str, str]]] = [[] for _ in range(schools)]
    for session in ("AM", "PM"):
        picks = CODES[rng.integers(0, len(CODES), size=students)]
        for i in range(students):
            rows_of[school_of[i]].append(
                {"student_id": str(100000000 + i), "date": day, "session": session,
                 "code": str(picks[i])}
            )  # fmt: skip
    bodies = []
    for s, rows in enumerate(rows_of):
        for n, start in enumerate(range(0, len(rows), batch)):
            body = json.dumps({"rows": rows[start : start + batch]}).encode()
            bodies.append((f"S{s:04d}", f"S{s:04d}-{day}-{n}", body))
    return bodies


def _child(students: int, schools: int, batch: int, seed: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    django.setup()
    from django.test import Client

    from stepwise.api.services import token_create
    from stepwise.schools.models import School

    started = time.perf_counter()
    _setup(students, schools, seed)
    secrets = {
        school.code: token_create(organisation=school.organisation, name="SMS push",
                                  created_by=None)[1]
        for school in School.objects.select_related("organisation")
    }  # fmt: skip
    bodies = _bodies(students, schools, batch, seed)
    print(
        f"  setup: {students:,} students in {schools:,} schools, {len(secrets):,} tokens, "
        f"{len(bodies):,} requests ready in {time.perf_counter() - started:.0f} s"
    )
    client = Client()
    marks = changed = 0
    slowest = 0.0
    started = time.perf_counter()
    for code, key, body in bodies:
        began = time.perf_counter()
        response = client.post(
            f"/api/v1/schools/{code}/marks",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secrets[code]}", "Idempotency-Key": key},
        )
        slowest = max(slowest, time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(f"{code}: {response.status_code} {response.content[:500]!r}")
        answer = response.json()
        marks += answer["rows"]
        changed += answer["changed"]
    took = time.perf_counter() - started
    print(f"  pushed {marks:,} marks ({changed:,} new) in {len(bodies):,} requests")
    print(f"RESULT push_s {took:.2f}")
    print(f"RESULT marks {marks}")
    print(f"RESULT requests {len(bodies)}")
    print(f"RESULT marks_per_s {marks / took:.0f}")
    print(f"RESULT slowest_request_s {slowest:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks api_push",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--students", type=int, default=830_000)
    parser.add_argument("--schools", type=int, default=2_500)
    parser.add_argument("--batch", type=int, default=20_000, help="marks per request, at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.students, args.schools, args.batch, args.seed)
        return 0
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        f = run(database, args.students, args.schools, args.batch, args.seed)
        print(
            f"API push on {database}: {f['marks']:,.0f} marks in {f['requests']:,.0f} requests "
            f"in {f['push_s']:.1f} s: {f['marks_per_s']:,.0f} marks/s "
            f"(slowest request {f['slowest_request_s']:.2f} s)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
