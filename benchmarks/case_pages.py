"""Serve an attendance service's case pages on PostgreSQL to 20 concurrent users; p50/p95.

Setup (not timed), in a child process against a fresh database `stepwise_cases_bench`:
one attendance service with 40 caseworkers and a manager, 20,000 cases spread over
them (open, active, on hold and closed; three Stepwise schools and a few named only by
a transfer; a child and one to three caregivers each), 500,000 engagement log entries
(25 a case on average, skewed: most cases have a handful, some have hundreds; a few
corrections, people involved, attachments), safety flags, agencies and tasks. Rows go
in through bulk_create, and the log and its people through COPY, so setup takes about a
minute. Every user holds a session that has passed two-factor sign-in.

Then the harness of benchmarks/school_pages serves the app with gunicorn and measures
each page with 20 client threads, with no pause and with pauses of 1 s on average
between pages (drawn at random, as independent people click):

- the case page, for cases picked at random across the set, the ten largest among them;
- the case page of the largest case alone (not held to the target: the worst case);
- "my cases" for 20 caseworkers (about 425 open cases each), a random page of 50;
- the team's cases for the manager, filtered by "no contact in 14 days", first page;
- the sign-in page, as a baseline (what session, middleware and base template cost).

The target is a p95 of at most 100 ms for the case page and the caseload pages; the
report marks each and gives the app's CPU time per request (from /proc), which other
work on the machine does not inflate. The exit status is 1 only when requests fail.

Run: `python -m benchmarks case_pages [--cases 20000] [--entries 500000] [--seconds 15]`.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from benchmarks.school_pages import (
    _database_url,
    _drop_database,
    _measure,
    _pause_heading,
    _serve,
    _stop,
)

NAME = "case_pages"
DESCRIPTION = "case page and caseloads of a 20,000-case service, 20 users, gunicorn + PostgreSQL"
PG_BENCH_DB = "stepwise_cases_bench"
SEED = 20261123
CASEWORKERS = 40
SCHOOLS = ["NZ-CASE-A", "NZ-CASE-B", "NZ-CASE-C"]
LARGEST_IN_MIX = 10
RANDOM_CASES = 400

# Shares of cases by status, and of log entries by kind (a contact attempt has an outcome).
STATUS_SHARES = {"closed": 0.15, "on_hold": 0.08}  # the rest are open or active
KIND_WEIGHTS = {
    "phone": 30, "text": 14, "email": 8, "home_visit": 12, "meeting": 4, "whanau_hui": 2,
    "via_school": 8, "trusted_person": 2, "agency": 3, "forum": 1, "msd": 1, "letter": 3,
    "note": 12,
}  # fmt: skip
NO_OUTCOME = {"meeting", "forum", "letter", "note"}
OUTCOME_WEIGHTS = {
    "engaged": 30, "no_answer": 30, "message_left": 20, "declined_support": 5,
    "refused": 6, "not_found": 7, "unsafe": 2,
}  # fmt: skip
NOTES = [
    "Called the mother's mobile; no answer, left a voicemail asking her to call back.",
    "Visited the home with the school's attendance officer. Nobody came to the door; card left.",
    "Spoke with dad at the school gate. He says the boy refuses to get up in the mornings and he "
    "is at work before school starts. Offered the morning check-in and a bus pass.",
    "Texted the whānau about the hui next week at the marae; they replied they will come.",
    "Email from the dean: attended three full days this week, first time this term.",
    "Aunty (day-to-day carer) says mum has moved to Hamilton; she will pass on our number.",
]


# --- Setup (child process, Django configured for the bench database) -----------------


def _setup(cases: int, entries: int, users: int) -> dict:
    """Create the service, its cases, people, log, flags, agencies, tasks and sessions."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from stepwise.accounts.models import Membership, Organisation
    from stepwise.cases.models import Case
    from stepwise.onboarding.organisations import school_setup

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(SEED)
    now = timezone.now()
    today = timezone.localdate()

    service = Organisation.objects.create(
        name="Benchmark Attendance Service", kind=Organisation.Kind.SERVICE
    )
    schools = [
        school_setup(code=code, name=f"Benchmark School {code[-1]}", pack="nz", today=today)
        for code in SCHOOLS
    ]
    User = get_user_model()
    workers = [
        User.objects.create_user(f"caseworker{n:02d}", first_name=f"Worker{n:02d}")
        for n in range(CASEWORKERS)
    ]
    manager = User.objects.create_user("manager", first_name="Manager")
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=service, role=Membership.Role.CASEWORKER) for u in workers]
        + [Membership(user=manager, organisation=service, role=Membership.Role.SERVICE_MANAGER)]
    )
    devices = {
        u.pk: TOTPDevice.objects.create(user=u, name="phone", confirmed=True)
        for u in [*workers, manager]
    }

    population = populate_service(
        service=service,
        schools=schools,
        workers=workers,
        manager=manager,
        cases=cases,
        entries=entries,
        rng=rng,
    )
    case_ids, counts, closed = population.case_ids, population.counts, population.closed
    entry_id = population.entries
    # Statistics and the visibility map, as autovacuum would leave them a minute after a
    # real load: without the map PostgreSQL cannot count from an index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    worker_cookies = [
        session_cookie(workers[n % CASEWORKERS], devices[workers[n % CASEWORKERS].pk])
        for n in range(users)
    ]
    manager_cookies = [session_cookie(manager, devices[manager.pk]) for _ in range(users)]

    largest = [case_ids[i] for i in np.argsort(-counts)[:LARGEST_IN_MIX]]
    chosen = rng.choice(case_ids, RANDOM_CASES - LARGEST_IN_MIX, replace=False).tolist()
    case_paths = [reverse("case", args=[pk]) for pk in [*largest, *chosen]]
    caseload = reverse("cases", args=[service.pk])
    mine = Case.objects.filter(assigned_to=workers[0]).exclude(status="closed").count()
    stale = (
        Case.objects.filter(service=service)
        .exclude(status="closed")
        .filter(last_contact_at__lt=now - timedelta(days=14))
        .count()
        + Case.objects.filter(service=service, last_contact_at__isnull=True)
        .exclude(status="closed")
        .count()
    )
    pages = [
        # (label, held to the target, paths, cookies)
        ("case page (random)", True, case_paths, worker_cookies),
        ("case page (largest)", False, case_paths[:1], worker_cookies),
        (
            "my cases (a random page)",
            True,
            [f"{caseload}?view=mine&page={n}" for n in range(1, mine // 50 + 2)],
            worker_cookies,
        ),
        ("team, no contact in 14 d", True, [f"{caseload}?view=team&no_contact=1"], manager_cookies),
        ("sign-in page (baseline)", False, [reverse("login")], worker_cookies),
    ]
    return {
        "cases": cases,
        "entries": int(entry_id),
        "median_entries": int(np.median(counts)),
        "p99_entries": int(np.percentile(counts, 99)),
        "max_entries": int(counts.max()),
        "open": int((~closed).sum()),
        "mine": mine,
        "stale": stale,
        "pages": pages,
    }


def session_cookie(user, device) -> str:
    """Return the cookie of a new session of `user` that has passed two-factor sign-in."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"sessionid={client.cookies['sessionid'].value}"


@dataclass
class Population:
    """What `populate_service` made: each case's id, log entries and whether it is closed."""

    case_ids: list[int]
    counts: Any  # numpy array, a case's log entries
    closed: Any  # numpy array of bool
    entries: int


def populate_service(
    *, service, schools, workers, manager, cases: int, entries: int, rng, prefix: str = "BENCH"
) -> Population:
    """Give a service its cases, people, log (through COPY), flags, agencies and tasks.

    Cases are spread over `schools` and assigned to `workers` at random; references are
    `prefix`-nnnnn, so several services can be populated in one database.
    """
    import numpy as np
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from stepwise.cases.models import (
        Agency,
        Attachment,
        Case,
        CaseSchool,
        LogEntry,
        Person,
        SafetyFlag,
        Task,
    )

    now = timezone.now()
    today = timezone.localdate()
    first_entry = LogEntry.objects.aggregate(last=Max("id"))["last"] or 0
    # Cases: opened over the last two years, the last activity mostly recent.
    opened_days = rng.integers(30, 730, cases)
    idle_days = np.minimum(rng.exponential(18.0, cases), opened_days - 1)
    share = rng.random(cases)
    closed = share < STATUS_SHARES["closed"]
    on_hold = ~closed & (share < STATUS_SHARES["closed"] + STATUS_SHARES["on_hold"])
    origin = rng.choice(["referral", "direct", "transferred"], cases, p=[0.8, 0.12, 0.08])
    reason = np.where(rng.random(cases) < 0.85, "chronic_absence", "not_enrolled")
    owner = rng.integers(0, len(workers), cases)

    # Log entries per case: log-normal, scaled to the total, so a few have hundreds.
    weights = rng.lognormal(0.0, 1.0, cases)
    counts = np.floor(weights / weights.sum() * entries).astype(int)
    counts[np.argsort(-weights)[: entries - counts.sum()]] += 1
    kinds = list(KIND_WEIGHTS)
    kind_p = np.array(list(KIND_WEIGHTS.values()), dtype=float)
    outcomes = list(OUTCOME_WEIGHTS)
    outcome_p = np.array(list(OUTCOME_WEIGHTS.values()), dtype=float)

    case_rows = []
    for i in range(cases):
        opened = today - timedelta(days=int(opened_days[i]))
        status = "closed" if closed[i] else "on_hold" if on_hold[i] else "open"
        case_rows.append(
            Case(
                service=service,
                reference=f"{prefix}-{i:05d}",
                reason=str(reason[i]),
                status=status,
                closed_reason="attendance_improved" if closed[i] else "",
                origin=str(origin[i]),
                assigned_to=workers[int(owner[i])],
                exploring_pathway=bool(rng.random() < 0.03),
                summary="Referred after a term below 70%; whānau hard to reach." if i % 3 else "",
                opened_on=opened,
                opened_by=manager,
                closed_on=today - timedelta(days=int(idle_days[i])) if closed[i] else None,
                transfer_source="Previous provider" if origin[i] == "transferred" else "",
            )
        )
    Case.objects.bulk_create(case_rows, batch_size=5000)
    case_ids = [c.pk for c in case_rows]

    school_rows = []
    for i, pk in enumerate(case_ids):
        if origin[i] == "transferred" and i % 2:
            school_rows.append(CaseSchool(case_id=pk, name="Kura o Mua (named by transfer)"))
        else:
            s = schools[i % len(schools)]
            school_rows.append(CaseSchool(case_id=pk, school=s, name=s.name))
    CaseSchool.objects.bulk_create(school_rows, batch_size=5000)

    people = []
    for i, pk in enumerate(case_ids):
        people.append(
            Person(case_id=pk, role="child", given_name=f"Child{i}", family_name=f"Whānau{i % 997}",
                   birth_date=date(2010 + i % 6, 1 + i % 12, 1 + i % 28))
        )  # fmt: skip
        for k in range(1 + i % 3):
            people.append(
                Person(case_id=pk, role="caregiver", given_name=f"Carer{i}-{k}",
                       family_name=f"Whānau{i % 997}",
                       relationship=["Mother", "Father", "Aunty"][k],
                       lives_with_student=k != 2, parental_responsibility=k < 2,
                       phone=f"021 {i:06d}", address=f"{i % 300} Benchmark Road",
                       preferred_language="Te reo Māori" if i % 4 == 0 else "English")
            )  # fmt: skip
    Person.objects.bulk_create(people, batch_size=5000)
    people_of: dict[int, list[int]] = {}
    for p in people:
        people_of.setdefault(p.case_id, []).append(p.pk)

    # The log, through COPY: ids are ours, so corrections and people can point at them.
    log_rows: list[tuple] = []
    people_rows: list[tuple[int, int]] = []
    last_contact: dict[int, datetime] = {}
    entry_id = first_entry
    kind_pick = rng.choice(len(kinds), entries + cases, p=kind_p / kind_p.sum())
    outcome_pick = rng.choice(len(outcomes), entries + cases, p=outcome_p / outcome_p.sum())
    draws = iter(range(entries + cases))
    for i, pk in enumerate(case_ids):
        n = int(counts[i])
        if not n:
            continue
        start = now - timedelta(days=int(opened_days[i]))
        end = now - timedelta(days=float(idle_days[i]))
        offsets = np.sort(rng.random(n)) * (end - start).total_seconds()
        offsets[-1] = (end - start).total_seconds()
        transferred = origin[i] == "transferred"
        previous: tuple[int, datetime] | None = None
        for j in range(n):
            entry_id += 1
            d = next(draws)
            kind = kinds[kind_pick[d]]
            outcome = "" if kind in NO_OUTCOME else outcomes[outcome_pick[d]]
            happened = start + timedelta(seconds=float(offsets[j]))
            corrects: int | None = None
            if previous is not None and (entry_id % 211 == 0):
                corrects, happened = previous  # a correction of the entry before
            old = transferred and j < n // 2
            log_rows.append((
                entry_id, pk, kind, outcome, "offered" if entry_id % 17 == 0 else "",
                "" if entry_id % 9 else "Dean", NOTES[entry_id % len(NOTES)], happened,
                happened + timedelta(minutes=5 + entry_id % 600),
                None if old else workers[int(owner[i])].pk,
                "Previous provider" if old else "", corrects, old,
            ))  # fmt: skip
            if outcome:
                last_contact[pk] = max(last_contact.get(pk, happened), happened)
                if entry_id % 3:
                    people_rows.append((entry_id, people_of[pk][entry_id % len(people_of[pk])]))
            previous = (entry_id, happened)
    columns = (
        "id, case_id, kind, outcome, support, others_involved, notes, happened_at, "
        "recorded_at, recorded_by_id, recorded_by_name, corrects_id, transferred"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY cases_logentry ({columns}) FROM STDIN") as copy:
            for row in log_rows:
                copy.write_row(row)
        with raw.copy("COPY cases_logentry_people (logentry_id, person_id) FROM STDIN") as copy:
            for row in people_rows:
                copy.write_row(row)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_logentry', 'id'), %s)", [entry_id]
        )
    Attachment.objects.bulk_create(
        [
            Attachment(entry_id=e, name=f"letter-{e}.pdf", content_type="application/pdf",
                       size=2048, sha256=f"{e:064x}", content=b"%PDF-1.4 benchmark" * 100)
            for e in range(7, entry_id, 97)
        ],
        batch_size=2000,
    )  # fmt: skip

    # A case with a contact attempt is active (unless on hold or closed), as the service does.
    by_pk = {c.pk: c for c in case_rows}
    for pk, at in last_contact.items():
        c = by_pk[pk]
        c.last_contact_at = at
        if c.status == "open":
            c.status = "active"
    Case.objects.bulk_update(
        [by_pk[pk] for pk in last_contact], ["last_contact_at", "status"], batch_size=5000
    )

    SafetyFlag.objects.bulk_create(
        [
            SafetyFlag(case_id=pk, person_id=people_of[pk][-1], kind=["dogs", "aggressive"][i % 2],
                       note="Two dogs loose on the section; call ahead.", raised_by=manager,
                       raised_at=now - timedelta(days=i % 200))
            for i, pk in enumerate(case_ids) if i % 20 == 0
        ],
        batch_size=5000,
    )  # fmt: skip
    Agency.objects.bulk_create(
        [
            Agency(case_id=pk, kind=["health", "children", "community"][i % 3],
                   name=["Whānau Ora navigator", "Oranga Tamariki", "Iwi social services"][i % 3],
                   leads=i % 6 == 0, added_on=today - timedelta(days=i % 300))
            for i, pk in enumerate(case_ids) if i % 3 == 0
        ],
        batch_size=5000,
    )  # fmt: skip
    Task.objects.bulk_create(
        [
            Task(case_id=pk, title="Follow up the letter",
                 due_on=today + timedelta(days=i % 30 - 10),
                 assigned_to=workers[int(owner[i])], created_at=now - timedelta(days=20),
                 done_at=now if i % 4 == 0 else None)
            for i, pk in enumerate(case_ids) if not closed[i] and i % 2 == 0
        ],
        batch_size=5000,
    )  # fmt: skip
    return Population(case_ids, counts, closed, entry_id - first_entry)


# --- Load (parent process) ------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks case_pages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--entries", type=int, default=500000, help="engagement log entries")
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
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database-name",
        default=PG_BENCH_DB,
        help="the PostgreSQL database to build, reuse and drop (give two runs different names)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database kept by an earlier --keep run, without setting it up again",
    )
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        print("SETUP " + json.dumps(_setup(args.cases, args.entries, args.users)), flush=True)
        return 0

    name = args.database_name
    setup_file = f"/tmp/{name}.json"  # what --keep leaves for --reuse
    try:
        url = _database_url_kept(name) if args.reuse else _database_url(name)
    except Exception as e:  # psycopg's errors vary: no server, no permission...
        print(f"case_pages: PostgreSQL is not available: {e}", file=sys.stderr)
        return 1
    env = {**os.environ, "DATABASE_URL": url, "STEPWISE_PROGRESS": "0", "DEBUG": "false"}
    started = time.perf_counter()
    if args.reuse:
        with open(setup_file) as f:
            setup = json.load(f)
        _revive_sessions(url)
    else:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.case_pages", "--setup", "--cases", str(args.cases),
             "--entries", str(args.entries), "--users", str(args.users)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode:
            print(out.stdout + out.stderr, file=sys.stderr)
            _drop_database(name)
            return 1
        setup = next(
            json.loads(line[6:]) for line in out.stdout.splitlines() if line.startswith("SETUP ")
        )
        if args.keep:
            with open(setup_file, "w") as f:
                json.dump(setup, f)
    print(
        f"  setup: {setup['cases']:,} cases ({setup['open']:,} not closed), "
        f"{setup['entries']:,} log entries (median {setup['median_entries']} a case, "
        f"99th percentile {setup['p99_entries']}, largest {setup['max_entries']}); "
        f"{setup['mine']} open cases per caseworker, {setup['stale']:,} without contact "
        f"in 14 days; in {time.perf_counter() - started:.0f} s"
    )

    failed = False
    try:
        server, port = _serve(env, args.workers)
    except RuntimeError as e:
        print(f"case_pages: {e}", file=sys.stderr)
        if not args.keep and not args.reuse:
            _drop_database(name)
        return 1
    try:
        print(
            f"  gunicorn: {args.workers} sync workers on {os.cpu_count()} cores; "
            f"{args.users} users, {args.seconds:g} s per page"
        )
        for think in args.think:
            print(_pause_heading(think))
            for label, held, paths, cookies in setup["pages"]:
                failed |= _measure(
                    server, port, paths, cookies, label, held, args.seconds, think,
                    database=name,
                ).failed  # fmt: skip
    finally:
        _stop(server)
        if not args.keep and not args.reuse:
            _drop_database(name)
    return 1 if failed else 0


def _revive_sessions(url: str) -> None:
    """Give the kept users' sessions a fresh idle timeout: they end 30 minutes after use."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE django_session SET expire_date = now() + interval '30 minutes'")


def _database_url_kept(name: str) -> str:
    from benchmarks.school_pages import PG_ADMIN_URL

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


if __name__ == "__main__":
    sys.exit(main())
