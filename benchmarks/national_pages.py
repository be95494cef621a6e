"""Serve a country's worth of Stepwise through the production command; p50/p95/p99 per page.

Setup (not timed), in a child process against a fresh PostgreSQL database
`stepwise_national_bench`: New Zealand's size, as benchmarks/national_day builds it
(2,500 schools, 830,000 students, Term 4's marks up to 19 November, evaluated into
threshold events), half the events answered, and 80 attendance services, each covering
its share of the schools, with 20,000 cases and 500,000 engagement log entries between
them (as benchmarks/case_pages builds one service's, spread over the 80). Fifty people
sign in: 30 attendance officers, each at a different school, and 20 caseworkers, each
at a different service, every session past two-factor sign-in.

Then `stepwise serve --production` (after `stepwise deploy`, as docs/deploy.md says)
serves it with the shared Redis cache, once with one web worker and once with two, and
each page is measured with its people requesting their own school's or service's pages,
with no pause (the most the workers can serve) and with pauses of 1 s on average
(people reading; random, as people do not click in step): the officer's first view
(the threshold queue: signing in opens it), the standings, the dashboard, the case page,
"my cases", and the sign-in page as a baseline. Reported: p50/p95/p99, requests a second
and per web worker, and the app's CPU time per request from /proc. Targets, reported and
not asserted: p95 at most 150 ms for the first view, the queue, the standings and the
case page with people pausing; at most 20 ms of app CPU per request on every page.

Run: `python -m benchmarks national_pages [--students 830000] [--schools 2500]
[--services 80] [--cases 20000] [--entries 500000] [--seconds 10] [--workers 1 2]`;
`--keep` leaves the database (and /tmp/<name>.json) for a later `--reuse`.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.case_pages import _database_url_kept, _revive_sessions
from benchmarks.school_pages import (
    _database_url,
    _drop_database,
    _free_port,
    _measure,
    _pause_heading,
    _stop,
    _wait_for,
)

NAME = "national_pages"
DESCRIPTION = "a country's schools and services through the production command, 1 and 2 workers"
PG_BENCH_DB = "stepwise_national_bench"
SEED = 20261207
OFFICERS = 30
CASEWORKERS = 20
TARGET_P95_MS = 150.0
TARGET_CPU_MS = 20.0
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


# --- Setup (child process, Django configured for the bench database) -----------------


def _setup(students: int, schools: int, services: int, cases: int, entries: int) -> dict:
    """Build the country, its services' cases and the signed-in people; return the pages."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from benchmarks.case_pages import populate_service, session_cookie
    from benchmarks.national_day import _setup as build_country
    from stepwise.accounts.models import Membership, Organisation
    from stepwise.cases.models import Case
    from stepwise.responses.models import ResponseActivity
    from stepwise.schools.models import CatchmentSchool, School, Term
    from stepwise.standings.models import ThresholdEvent

    started = time.perf_counter()
    build_country(students, schools, SEED)
    print(f"  setup: {students:,} students in {schools:,} schools, {_since(started)}", flush=True)

    # Half the threshold events answered, two hours after they were found, as in the demo.
    events = ThresholdEvent.objects.order_by("pk").values_list(
        "pk", "term__school_id", "student_id", "reached_on", "detected_at"
    )
    User = get_user_model()
    recorder = User.objects.create_user("recorder")
    answered = 0
    batch: list[ResponseActivity] = []
    for n, (pk, school_id, student_id, reached_on, detected_at) in enumerate(events.iterator()):
        if n % 2:
            continue
        batch.append(
            ResponseActivity(
                school_id=school_id, student_id=student_id, threshold_event_id=pk,
                response_type="written_communication",
                description_text="Sent notification to whānau", happened_on=reached_on,
                done_by="Attendance officer", recorded_by=recorder,
                recorded_at=detected_at + timedelta(hours=2),
            )
        )  # fmt: skip
        if len(batch) == 5000:
            answered += len(ResponseActivity.objects.bulk_create(batch))
            batch = []
    answered += len(ResponseActivity.objects.bulk_create(batch))
    print(f"  setup: {answered:,} responses recorded, {_since(started)}", flush=True)

    # Services: each covers a run of schools and holds its share of the cases and log.
    rng = np.random.default_rng(SEED)
    all_schools = list(School.objects.order_by("code"))
    per_service = len(all_schools) // services
    service_users = []
    for k in range(services):
        service = Organisation.objects.create(
            name=f"Attendance Service {k:02d}", kind=Organisation.Kind.SERVICE
        )
        covered = all_schools[k * per_service : (k + 1) * per_service]
        CatchmentSchool.objects.bulk_create(
            [CatchmentSchool(service=service, school=s) for s in covered]
        )
        workers = [User.objects.create_user(f"caseworker{k:02d}-{n}") for n in range(4)]
        manager = User.objects.create_user(f"manager{k:02d}")
        Membership.objects.bulk_create(
            [Membership(user=u, organisation=service, role=Membership.Role.CASEWORKER)
             for u in workers]
            + [Membership(user=manager, organisation=service,
                          role=Membership.Role.SERVICE_MANAGER)]
        )  # fmt: skip
        populate_service(
            service=service, schools=covered[:3], workers=workers, manager=manager,
            cases=cases // services, entries=entries // services, rng=rng, prefix=f"S{k:02d}",
        )  # fmt: skip
        service_users.append((service, workers[0]))
    print(f"  setup: {services} services' cases and logs, {_since(started)}", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    def signed_in(user) -> str:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        return session_cookie(user, device)

    pages: dict[str, dict[str, list[str]]] = {
        "queue": {}, "standings": {}, "dashboard": {}, "case": {}, "mine": {}, "login": {},
    }  # fmt: skip
    chosen = rng.choice(len(all_schools), OFFICERS, replace=False)
    for n, i in enumerate(chosen.tolist()):
        school = all_schools[i]
        officer = User.objects.create_user(f"officer{n:02d}")
        Membership.objects.create(
            user=officer, organisation=school.organisation,
            role=Membership.Role.ATTENDANCE_OFFICER,
        )  # fmt: skip
        cookie = signed_in(officer)
        term = Term.objects.get(school=school, year=2026, number=4)
        pages["queue"][cookie] = [reverse("queue", args=[school.code])]
        pages["standings"][cookie] = [reverse("standings", args=[school.code, term.key])]
        pages["dashboard"][cookie] = [reverse("dashboard", args=[school.code])]
        pages["login"][cookie] = [reverse("login")]
    step = max(1, services // CASEWORKERS)
    for service, worker in service_users[::step][:CASEWORKERS]:
        cookie = signed_in(worker)
        mine = Case.objects.filter(assigned_to=worker).exclude(status="closed").count()
        caseload = reverse("cases", args=[service.pk])
        ids = list(Case.objects.filter(service=service).values_list("pk", flat=True))
        pages["case"][cookie] = [reverse("case", args=[pk]) for pk in ids]
        pages["mine"][cookie] = [f"{caseload}?view=mine&page={p}" for p in range(1, mine // 50 + 2)]
        pages["login"][cookie] = [reverse("login")]
    return {
        "students": students,
        "schools": schools,
        "events": events.count(),
        "answered": answered,
        "services": services,
        "cases": Case.objects.count(),
        "pages": pages,
        "seconds": round(time.perf_counter() - started),
    }


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.0f} s in"


# --- Serving and load (parent process) ---------------------------------------------------

# (key, label, held to the latency target)
PAGES = [
    ("queue", "first view: threshold queue", True),
    ("standings", "standings (first page)", True),
    ("dashboard", "dashboard", False),
    ("case", "case page", True),
    ("mine", "my cases", False),
    ("login", "sign-in page (baseline)", False),
]


def _secret_key(data_dir: Path) -> str:
    """Return the benchmark's secret key, kept beside its data: a kept database's sessions
    are signed with it, so a later --reuse run must sign with the same."""
    kept = data_dir / "secret-key"
    if not kept.exists():
        kept.write_text(secrets.token_urlsafe(60))
    return kept.read_text().strip()


def _production_env(url: str, data_dir: Path) -> dict[str, str]:
    """Return the environment docs/deploy.md gives the production command."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "STEPWISE_PRODUCTION": "1",
        "SECRET_KEY": _secret_key(data_dir),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "BEHIND_TLS_PROXY": "1",
        "STEPWISE_DATA_DIR": str(data_dir),
        "STEPWISE_PROGRESS": "0",
    }
    env.pop("DEBUG", None)
    return env


def _stepwise(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "stepwise.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)


def _serve_production(env: dict[str, str], workers: int, log: Path) -> tuple:
    """Start `stepwise serve --production` with `workers` web workers; return it and its port."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # every run starts from a cold cache
    port = _free_port()
    with log.open("a") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "stepwise.cli", "serve", "--production",
             "--addr", f"127.0.0.1:{port}", "--workers", str(workers), "--no-worker"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for(port, server)
    except BaseException:
        _stop(server)
        raise
    return server, port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks national_pages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--students", type=int, default=830_000)
    parser.add_argument("--schools", type=int, default=2_500)
    parser.add_argument("--services", type=int, default=80)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=500_000, help="engagement log entries")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per page")
    parser.add_argument(
        "--think", type=float, nargs="+", default=[0.0, 1.0],
        help="a person's mean pause between pages, in seconds; one run for each",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2],
        help="web worker counts to measure, one run each (default: 1 and 2)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by an earlier --keep run"
    )
    parser.add_argument("--database-name", default=PG_BENCH_DB)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        setup = _setup(args.students, args.schools, args.services, args.cases, args.entries)
        print("SETUP " + json.dumps(setup), flush=True)
        return 0

    name = args.database_name
    setup_file = Path(f"/tmp/{name}.json")
    try:
        url = _database_url_kept(name) if args.reuse else _database_url(name)
    except Exception as e:  # psycopg's errors vary: no server, no permission...
        print(f"national_pages: PostgreSQL is not available: {e}", file=sys.stderr)
        return 1
    data_dir = Path(f"/tmp/{name}-data")
    data_dir.mkdir(exist_ok=True)
    env = _production_env(url, data_dir)
    log = data_dir / "serve.log"
    print(f"  the production command's output goes to {log}")
    deployed = _stepwise(env, "deploy")
    if deployed.returncode:
        print(deployed.stdout + deployed.stderr, file=sys.stderr)
        return 1
    if args.reuse:
        setup = json.loads(setup_file.read_text())
        _revive_sessions(url)
    else:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.national_pages", "--setup",
             "--students", str(args.students), "--schools", str(args.schools),
             "--services", str(args.services), "--cases", str(args.cases),
             "--entries", str(args.entries)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode:
            print(out.stdout + out.stderr, file=sys.stderr)
            _drop_database(name)
            return 1
        print("\n".join(line for line in out.stdout.splitlines() if line.startswith("  setup")))
        setup = next(
            json.loads(line[6:]) for line in out.stdout.splitlines() if line.startswith("SETUP ")
        )
        if args.keep:
            setup_file.write_text(json.dumps(setup))
    print(
        f"  a country: {setup['students']:,} students in {setup['schools']:,} schools, "
        f"{setup['events']:,} threshold events ({setup['answered']:,} answered), "
        f"{setup['services']} services with {setup['cases']:,} cases"
    )

    failed = False
    summary: list[str] = []
    try:
        for workers in args.workers:
            server, port = _serve_production(env, workers, log)
            try:
                print(
                    f"  stepwise serve --production: {workers} web worker(s) on "
                    f"{os.cpu_count()} cores, Redis cache; {args.seconds:g} s per page"
                )
                for think in args.think:
                    print(_pause_heading(think))
                    for key, label, held in PAGES:
                        paths = setup["pages"][key]
                        measured = _measure(
                            server, port, paths, list(paths), label, held and think > 0,
                            args.seconds, think, database=name, target_ms=TARGET_P95_MS,
                        )  # fmt: skip
                        failed |= measured.failed
                        cpu = "over" if measured.cpu_ms > TARGET_CPU_MS else "ok"
                        summary.append(
                            f"  {workers} worker(s), pause {think:g} s, {label:<28} "
                            f"p95 {measured.p95:6.1f} ms  {measured.rate:6.1f} req/s "
                            f"({measured.rate / workers:5.1f} per worker)  app CPU "
                            f"{measured.cpu_ms:5.1f} ms/req [{cpu}: <= {TARGET_CPU_MS:g}]"
                        )
            finally:
                _stop(server)
    finally:
        if not args.keep and not args.reuse:
            _drop_database(name)
    print("  summary:")
    print("\n".join(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
