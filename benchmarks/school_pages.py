"""Serve a 3,000-student school's pages on PostgreSQL to 20 concurrent users; p50/p95 latency.

Setup (not timed), in a child process against a fresh database `stepwise_pages_bench`:
one New Zealand school with 3,000 students and a term of marks up to today (the current
term; a fifth of the students are chronically absent, the rest miss about 6% of days),
evaluated into threshold events, half of them answered, and one signed-in school
leader per simulated user.

Then gunicorn serves the app in a subprocess: sync workers, one process each (Django's
pages are CPU-bound Python, so separate processes, not threads, are what use every
core), 2 x cores + 1 of them. Each of 20 client threads holds its own session cookie
and requests one page after another for --seconds, first without any pause (the
hardest reading: 20 requests always in flight) and then pausing 1 s between pages on
average (people reading what they asked for: each pause drawn from an exponential
distribution and each user starting at a random moment, since people do not click in
step; pauses of exactly 1 s would keep all 20 in step, a burst of 20 requests each
second); every page is measured on its own, after a
warm-up that is not counted. The target is a p95 of at most 100 ms for the threshold
queue and the dashboard; the report marks each. The exit status is 1 only when
requests fail (an HTTP error, no answer), as for the other benchmarks.

Besides latency it reports the CPU time gunicorn's workers spent per request (from
/proc), which does not depend on what else the machine is running: with C cores the
app can serve at most about C x 1000 / (CPU ms per request) pages a second. It also
reports the CPU time of PostgreSQL's backends for the bench database, per request,
when the server runs on this machine (read four times a second, so a backend that
exits during a run loses at most its last quarter second).

Pages: the threshold queue ("queue"), the AMP dashboard ("dashboard"), the early-warning
list, the term's standings, and the sign-in page as a baseline (what the session,
middleware and base template cost on this machine before any page's own work). A page
whose URL does not resolve yet is reported as missing and skipped.

Run: `python -m benchmarks school_pages [--students 3000] [--users 20] [--seconds 15]`.
"""

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

NAME = "school_pages"
DESCRIPTION = "queue and dashboard of a 3,000-student school, 20 users, gunicorn + PostgreSQL"
PG_ADMIN_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/test")
PG_BENCH_DB = "stepwise_pages_bench"
SCHOOL = "NZ-BENCH"
SEED = 20261124
TARGET_P95_MS = 100.0
# (url name, label, held to the target): the queue is built in stepwise/responses.
PAGES = [
    ("queue", "threshold queue", True),
    ("dashboard", "AMP dashboard", True),
    ("early_warning", "early-warning list", False),
    ("standings", "standings (first page)", False),
    ("login", "sign-in page (baseline)", False),  # what any page costs on this machine
]
ABSENT_MIX = ("M", "M", "M", "M", "T", "T", "?", "?", "E", "J")


def _database_url(name: str = PG_BENCH_DB) -> str:
    """Create a fresh, empty database `name` and return its URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(name: str = PG_BENCH_DB) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- Setup (child process, Django configured for the bench database) -----------------


def _setup(students: int, users: int) -> dict:
    """Create the school, its term of marks, events, responses and signed-in leaders."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from stepwise.accounts.models import Membership
    from stepwise.onboarding.organisations import school_setup
    from stepwise.register.models import RegisterTerm
    from stepwise.responses.models import ResponseActivity
    from stepwise.schools.calendars import school_calendar
    from stepwise.schools.models import Enrolment, Student
    from stepwise.standings.models import ThresholdEvent
    from stepwise.standings.selectors import current_term
    from stepwise.standings.services import school_evaluate

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    school = school_setup(code=SCHOOL, name="Benchmark College", pack="nz", today=today)
    term = current_term(school, today)
    assert term is not None
    pack = school.rules
    rng = np.random.default_rng(SEED)

    Student.objects.bulk_create(
        [
            Student(school=school, national_id=f"{300000000 + i}", given_name=f"Student{i}",
                    family_name=f"Family{i % 997}", birth_date=date(2011, 1, 1))
            for i in range(students)
        ],
        batch_size=5000,
    )  # fmt: skip
    ids = dict(Student.objects.values_list("national_id", "id"))
    Enrolment.objects.bulk_create(
        [
            Enrolment(student_id=ids[f"{300000000 + i}"], school=school,
                      year_level=int(9 + i % 5), enrolled_from=date(term.year, 1, 20))
            for i in range(students)
        ],
        batch_size=5000,
    )  # fmt: skip

    # Whole-day absences at each student's own rate, up to today.
    calendar = school_calendar(school, [term])
    days = calendar.term_days[term.key]
    marked_days = [
        i - days.start
        for i in range(days.start, days.stop)
        if calendar.open[i] and calendar.dates[i] <= today
    ]
    chronic = rng.random(students) < 0.2
    rate = np.where(chronic, rng.beta(3.0, 6.0, students), rng.beta(2.0, 32.0, students))
    absent = rng.random((students, len(marked_days))) < rate[:, None]
    codes = np.array([pack.code_index[c] for c in ABSENT_MIX], dtype=np.uint8)
    reason = codes[rng.integers(0, len(codes), size=(students, len(marked_days)))]
    day_codes = np.where(absent, reason, np.uint8(pack.code_index["P"]))
    marks = np.zeros((students, term.dates.width), dtype=np.uint8)
    cols = np.array(marked_days, dtype=np.intp)
    marks[:, 2 * cols] = day_codes
    marks[:, 2 * cols + 1] = day_codes
    RegisterTerm.objects.bulk_create(
        [
            RegisterTerm(student_id=ids[f"{300000000 + i}"], term=term, marks=marks[i].tobytes())
            for i in range(students)
        ],
        batch_size=5000,
    )
    result = school_evaluate(school=school, as_of=today)

    User = get_user_model()
    leaders = [User.objects.create_user(f"leader{n:02d}") for n in range(users)]
    Membership.objects.bulk_create(
        [
            Membership(user=u, organisation=school.organisation, role=Membership.Role.SCHOOL_LEADER)
            for u in leaders
        ]
    )
    events = list(ThresholdEvent.objects.filter(term=term).order_by("pk"))
    ResponseActivity.objects.bulk_create(
        [
            ResponseActivity(
                school=school, student_id=e.student_id, threshold_event=e,
                response_type="written_communication",
                description_text="Sent notification to whānau", happened_on=e.reached_on,
                done_by="Attendance officer", recorded_by=leaders[0],
                recorded_at=e.detected_at + timedelta(hours=2),
            )
            for e in events[::2]
        ],
        batch_size=5000,
    )  # fmt: skip
    # Fresh planner statistics, as autovacuum would gather within a minute of a real
    # import: without them PostgreSQL guesses the new tables are nearly empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    cookies = []
    for user in leaders:
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    urls: dict[str, str | None] = {}
    for name, _label, _target in PAGES:
        args = {"standings": [school.code, term.key], "login": []}.get(name, [school.code])
        try:
            urls[name] = reverse(name, args=args)
        except NoReverseMatch:
            urls[name] = None
    return {
        "term": term.name,
        "as_of": min(today, term.end).isoformat(),
        "school_days": len(marked_days),
        "students": students,
        "events": len(events),
        "answered": len(events[::2]),
        "created": result.created,
        "cookies": cookies,
        "urls": urls,
    }


# --- Load (parent process) ------------------------------------------------------------


@dataclass
class Measured:
    """One page's figures under load (NaN where nothing was measured)."""

    failed: bool
    p50: float = float("nan")
    p95: float = float("nan")
    p99: float = float("nan")
    rate: float = float("nan")  # requests a second
    cpu_ms: float = float("nan")  # the app's CPU time per request


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _get(port: int, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        # As a TLS proxy in front of the production command says (ignored elsewhere).
        conn.request("GET", path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def _pause_heading(think: float) -> str:
    pause = f"pausing {think:g} s on average" if think else "without a pause"
    return f"  -- each user {pause} between pages --"


Paths = str | Sequence[str] | Mapping[str, Sequence[str]]


def _load(port: int, paths: Paths, cookies: list[str], seconds: float, think: float) -> Run:
    """Have each cookie's user request a path again and again for `seconds`.

    With several paths, each request takes one of them at random; with paths by cookie,
    one of that user's own (a school's officer opens their own school's pages).
    """
    run = Run()
    stop = time.perf_counter() + seconds

    def user(cookie: str) -> None:
        stream = random.Random(cookie)  # each user its own stream, the same every run
        if isinstance(paths, Mapping):
            choices = list(paths[cookie])
        else:
            choices = [paths] if isinstance(paths, str) else list(paths)
        pick = stream.choice
        if think:
            time.sleep(stream.uniform(0, think))
        while time.perf_counter() < stop:
            try:
                status, took = _get(port, pick(choices), cookie)
            except OSError as e:
                with run.lock:
                    run.errors.append(str(e))
                continue
            with run.lock:
                run.latencies.append(took)
                if status != 200:
                    run.errors.append(f"HTTP {status}")
            if think:
                time.sleep(stream.expovariate(1 / think))

    threads = [threading.Thread(target=user, args=(c,)) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return run


def _cpu_seconds(pid: int) -> float:
    """Return the CPU time a process has used so far (user + system), 0 if it is gone."""
    try:
        # Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    """Return the processes started by `pid`, and theirs, as far down as they go."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return children + [d for child in children for d in _descendants(child)]


def _server_cpu(server: subprocess.Popen) -> float:
    """Return the CPU time the server's processes have used so far (Linux /proc).

    Everything below the started process: gunicorn's workers, or under the production
    command its gunicorn and workers.
    """
    return sum(_cpu_seconds(pid) for pid in _descendants(server.pid))


def _database_cpu(database: str) -> dict[int, float]:
    """Return the CPU time each PostgreSQL backend serving `database` has used so far.

    A backend's process title reads "postgres: <version>: <user> <database> <client> ...".
    Only a server on this machine is seen; a backend that has exited is not.
    """
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        words = title.split()
        if title.startswith("postgres: ") and len(words) > 3 and words[3] == database:
            found[int(entry.name)] = _cpu_seconds(int(entry.name))
    return found


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before it answered")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def _serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    """Start gunicorn on a free port with the app under `env`; return it once it answers."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "stepwise.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "sync", "--timeout", "120", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        _wait_for(port, server)
    except BaseException:
        _stop(server)
        raise
    return server, port


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks school_pages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--users", type=int, default=20, help="concurrent users (threads)")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured time per page")
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[0.0, 1.0],
        help="a user's mean pause between pages, in seconds; one run for each (default: 0 and 1)",
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=[name for name, _label, _held in PAGES],
        default=[name for name, _label, _held in PAGES],
        help="the pages to measure (default: all)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database-name",
        default=PG_BENCH_DB,
        help="the PostgreSQL database to build and drop (give two runs different names)",
    )
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        print("SETUP " + json.dumps(_setup(args.students, args.users)), flush=True)
        return 0

    name = args.database_name
    try:
        url = _database_url(name)
    except Exception as e:  # psycopg's errors vary: no server, no permission...
        print(f"school_pages: PostgreSQL is not available at {PG_ADMIN_URL}: {e}", file=sys.stderr)
        return 1
    env = {**os.environ, "DATABASE_URL": url, "STEPWISE_PROGRESS": "0", "DEBUG": "false"}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.school_pages", "--setup",
         "--students", str(args.students), "--users", str(args.users)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        print(out.stdout + out.stderr, file=sys.stderr)
        return 1
    setup = next(
        json.loads(line[6:]) for line in out.stdout.splitlines() if line.startswith("SETUP ")
    )
    print(
        f"  setup: {setup['students']:,} students, {setup['term']} to {setup['as_of']} "
        f"({setup['school_days']} school days), {setup['events']:,} threshold events "
        f"({setup['answered']:,} answered), in {time.perf_counter() - started:.0f} s"
    )

    failed = False
    try:
        server, port = _serve(env, args.workers)
    except RuntimeError as e:
        print(f"school_pages: {e}", file=sys.stderr)
        _drop_database(name)
        return 1
    try:
        print(
            f"  gunicorn: {args.workers} sync workers on {os.cpu_count()} cores; "
            f"{args.users} users, {args.seconds:g} s per page"
        )
        for think in args.think:
            print(_pause_heading(think))
            for name, label, held in PAGES:
                if name not in args.pages:
                    continue
                path = setup["urls"][name]
                if path is None:
                    print(f"  {label:<24} MISSING: no URL named {name!r} yet; skipped")
                    continue
                failed |= _measure(
                    server, port, path, setup["cookies"], label, held, args.seconds, think,
                    database=name,
                ).failed  # fmt: skip
    finally:
        _stop(server)
        if not args.keep:
            _drop_database(name)
    return 1 if failed else 0


def _measure(
    server: subprocess.Popen,
    port: int,
    paths: Paths,
    cookies: list[str],
    label: str,
    held: bool,
    seconds: float,
    think: float,
    database: str | None = None,
    target_ms: float = TARGET_P95_MS,
) -> Measured:
    """Measure one page under load, print its figures and return them.

    `paths` is the page's URL, or several URLs of the same page (one taken at random
    per request), or each user's own URLs by cookie; each of `cookies` is one simulated
    user. With `database`, the CPU time of PostgreSQL's backends for it is reported too.
    """
    # Warm-up (not counted): every worker loads its code and fills its cache.
    first_path = (
        paths[cookies[0]][0]
        if isinstance(paths, Mapping)
        else paths
        if isinstance(paths, str)
        else paths[0]
    )
    first_status, first = _get(port, first_path, cookies[0])
    _load(port, paths, cookies, seconds=2.0, think=0.0)
    cpu_before = _server_cpu(server)
    db_before = _database_cpu(database) if database else {}
    # Django closes a connection after CONN_MAX_AGE and its backend exits: look often,
    # so a backend's time counts up to its last look rather than not at all.
    db_seen = dict(db_before)
    looking = threading.Event()

    def look() -> None:
        while not looking.wait(0.25):
            db_seen.update(_database_cpu(database) if database else {})

    watcher = threading.Thread(target=look)
    watcher.start()
    try:
        run = _load(port, paths, cookies, seconds, think)
    finally:
        looking.set()
        watcher.join()
    cpu = _server_cpu(server) - cpu_before
    db_seen.update(_database_cpu(database) if database else {})
    db_cpu = sum(t - db_before.get(pid, 0.0) for pid, t in db_seen.items())
    ms = [t * 1000 for t in run.latencies]
    if not ms:
        print(f"  {label:<24} no responses: {run.errors[:3]}")
        return Measured(failed=True)
    p50, p95 = statistics.median(ms), _percentile(ms, 95)
    verdict = ""
    if held:
        ok = p95 <= target_ms
        verdict = f"  [{'ok' if ok else 'over'}: target p95 <= {target_ms:g} ms]"
    print(
        f"  {label:<24} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 "
        f"{_percentile(ms, 99):6.1f} ms  max {max(ms):6.1f} ms  "
        f"{len(ms) / seconds:6.1f} req/s  app CPU {1000 * cpu / len(ms):5.1f} ms/req  "
        f"{f'DB CPU {1000 * db_cpu / len(ms):5.1f} ms/req  ' if database else ''}"
        f"first {first * 1000:5.0f} ms"
        f"{'' if first_status == 200 else f' (HTTP {first_status})'}"
        f"{f'  errors {len(run.errors)}: {run.errors[0]}' if run.errors else ''}{verdict}",
        flush=True,
    )
    return Measured(
        failed=bool(run.errors) or first_status != 200,
        p50=p50,
        p95=p95,
        p99=_percentile(ms, 99),
        rate=len(ms) / seconds,
        cpu_ms=1000 * cpu / len(ms),
    )


if __name__ == "__main__":
    sys.exit(main())
