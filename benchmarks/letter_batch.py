"""A school's letter batch of 1,000 letters, end to end: PDFs per second (target: 100).

Setup (not timed), in a child process against a fresh database: a New Zealand school
whose 500 synthetic students have each missed 10 to 17 days of Term 4 up to
20 November 2026, evaluated into threshold events, and two caregivers with parental
responsibility for each student (a resident parent and one living elsewhere), so
letter 1 goes to 1,000 people. The batch is started as a school's attendance officer
would start it (`school_batch_start`), which queues it.

What is timed is the batch task itself (`batch_run`), as the task worker runs it: for
each student, read the caregivers and the letter history and check the ladder; compose
and render each caregiver's PDF/A with Typst; hash it; record the response activity
and keep the PDF, in the student's own transaction; and count the progress. Wall-clock
time and this process's CPU time are both reported (the database works in another
process; on a shared machine the wall clock also counts other work), and the target is
judged on the wall clock: it is what the person watching the progress bar sees.

Then, timed apart, the file to print: every letter read back, checked against its
hash and joined into one PDF, as the batch page's download does.

Run: `python -m benchmarks letter_batch [--database postgres|sqlite] [--students 500]`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

NAME = "letter_batch"
DESCRIPTION = "a school's batch of 1,000 letters, database writes and joined PDF (target 100/s)"
PG_BENCH_DB = "stepwise_bench_letter_batch"
TARGET_PER_SECOND = 100.0
SEED = 20261120
TODAY = date(2026, 11, 20)  # a Friday in Term 4
SCHOOL = "NZ-BATCH"
STREETS = ["Rātā Street", "Kōwhai Road", "Tōtara Avenue", "Harbour View", "Mill Lane"]


def _at(day: date, hour: int) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


# --- Setup (child process, Django configured for the bench database) -----------------


def _setup(students: int) -> int:
    """Create the school, its absent students and their caregivers; start the batch."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from stepwise.accounts.models import Membership
    from stepwise.letters.batches.services import school_batch_start
    from stepwise.letters.models import LetterSender
    from stepwise.onboarding.organisations import school_setup
    from stepwise.register.models import RegisterTerm
    from stepwise.schools.calendars import school_calendar
    from stepwise.schools.models import Caregiver, Enrolment, Student, StudentCaregiver
    from stepwise.standings.selectors import current_term
    from stepwise.standings.services import school_evaluate

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(SEED)
    school = school_setup(code=SCHOOL, name="Kōwhai College", pack="nz", today=TODAY)
    term = current_term(school, TODAY)
    assert term is not None
    pack = school.rules
    LetterSender.objects.create(
        organisation=school.organisation,
        address="12 College Road\nHamilton 3200",
        phone="07 555 0100",
        signatory_title="Attendance officer",
    )
    officer = get_user_model().objects.create_user(
        "officer", first_name="Olive", last_name="Officer"
    )
    Membership.objects.create(
        user=officer, organisation=school.organisation, role=Membership.Role.ATTENDANCE_OFFICER
    )

    made = Student.objects.bulk_create(
        [
            Student(school=school, national_id=f"{400000000 + i}", given_name=f"Tama{i}",
                    family_name=f"Whānau{i}", birth_date=date(2012, 1 + i % 12, 1 + i % 28))
            for i in range(students)
        ]
    )  # fmt: skip
    ids = [s.pk for s in Student.objects.filter(pk__in=[s.pk for s in made]).order_by("pk")]
    Enrolment.objects.bulk_create(
        Enrolment(student_id=pk, school=school, year_level=9, enrolled_from=term.start)
        for pk in ids
    )
    # Every student misses 10 to 17 whole days, unjustified, among the term's school days.
    calendar = school_calendar(school, [term])
    span = calendar.term_days[term.key]
    days = [
        i - span.start
        for i in range(span.start, span.stop)
        if calendar.open[i] and calendar.dates[i] <= TODAY
    ]
    present, absent = pack.code_index["P"], pack.code_index["?"]
    rows = []
    for pk in ids:
        marks = np.zeros(term.dates.width, dtype=np.uint8)
        marks[[2 * d for d in days]] = present
        marks[[2 * d + 1 for d in days]] = present
        missed = rng.choice(days, size=int(rng.integers(10, 18)), replace=False)
        marks[2 * missed] = absent
        marks[2 * missed + 1] = absent
        rows.append(RegisterTerm(student_id=pk, term=term, marks=marks.tobytes()))
    RegisterTerm.objects.bulk_create(rows)
    school_evaluate(school=school, as_of=TODAY)

    caregivers = Caregiver.objects.bulk_create(
        Caregiver(
            school=school,
            ref=f"CG-{n}-{who}",
            given_name=given,
            family_name=f"Whānau{n}",
            address=f"{1 + (n + k) % 200} {STREETS[(n + k) % len(STREETS)]}\nHamilton 32{k}0",
        )
        for n in range(students)
        for k, (who, given) in enumerate((("m", "Hine"), ("f", "Rawiri")))
    )
    StudentCaregiver.objects.bulk_create(
        StudentCaregiver(
            student_id=ids[n // 2],
            caregiver=caregiver,
            relationship="mother" if n % 2 == 0 else "father",
            lives_with_student=n % 2 == 0,
            parental_responsibility=True,
        )
        for n, caregiver in enumerate(caregivers)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a real import
    batch = school_batch_start(
        school=school,
        by=officer,
        sent_on=TODAY,
        method="post",
        reason="reached 10 days absent this term",
        now=_at(TODAY, 15),
    )
    print(
        f"  setup: {students:,} students who missed 10 to 17 of {len(days)} school days, "
        f"{len(caregivers):,} caregivers; batch of {batch.total:,} students queued",
        flush=True,
    )
    return batch.pk


def _measure(batch_pk: int) -> dict[str, object]:
    from stepwise.letters.batches.selectors import print_file
    from stepwise.letters.batches.services import batch_run
    from stepwise.letters.models import Letter

    wall, cpu = time.perf_counter(), time.process_time()
    batch = batch_run(batch_pk=batch_pk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert batch is not None
    letters = Letter.objects.filter(batch_items__batch=batch)
    printing = time.perf_counter()
    printed = print_file(batch)
    printing = time.perf_counter() - printing
    return {
        "status": batch.status,
        "sent": batch.sent,
        "skipped": batch.skipped,
        "stored": letters.count(),
        "hashes": letters.values("sha256").distinct().count(),
        "printed_letters": printed.letters,
        "printed_pages": printed.pages,
        "printed_bytes": len(printed.content),
        "printing": printing,
        "wall": wall,
        "cpu": cpu,
    }


def _child(students: int) -> int:
    batch_pk = _setup(students)
    print("RESULT " + json.dumps(_measure(batch_pk)), flush=True)
    return 0


# --- The parent: a fresh database, the child, the report ---------------------------


def _report(r: dict) -> bool:
    rate, cpu_rate = r["sent"] / r["wall"], r["sent"] / r["cpu"]
    print(
        f"  batch:         {r['status']}; {r['sent']:,} letters sent and {r['stored']:,} stored "
        f"({r['hashes']:,} distinct SHA-256), {r['skipped']} students skipped"
    )
    print(f"  total:         {r['wall']:.2f} s wall clock, {r['cpu']:.2f} s CPU in this process")
    print(f"  per second:    {rate:.0f} PDFs by the wall clock, {cpu_rate:.0f} per CPU second")
    print(
        f"  print file:    {r['printed_letters']:,} letters checked against their hashes and "
        f"joined in {r['printing']:.2f} s ({r['printed_pages']:,} pages, "
        f"{r['printed_bytes'] / 1e6:.1f} MB), when the person who sent them asks for it"
    )
    ok = (
        r["status"] == "done"
        and r["stored"] == r["sent"] == r["printed_letters"]
        and rate >= TARGET_PER_SECOND
    )
    print(
        f"  target:        {TARGET_PER_SECOND:.0f} PDFs/s: {'met' if ok else 'MISSED'} "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m benchmarks {NAME}",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument(
        "--students", type=int, default=500, help="students in the batch (two letters each)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.students)
    with tempfile.TemporaryDirectory() as tmp:
        if args.database == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        else:
            from benchmarks.school_pages import _database_url

            try:
                url = _database_url(PG_BENCH_DB)
            except Exception as e:  # psycopg's errors vary: no server, no permission...
                print(f"{NAME}: PostgreSQL is not available: {e}", file=sys.stderr)
                return 1
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "STEPWISE_DATA_DIR": tmp,
            "STEPWISE_PROGRESS": "0",
            "DEBUG": "false",
        }
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                f"benchmarks.{NAME}",
                "--child",
                "--students",
                str(args.students),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if args.database == "postgres":
            from benchmarks.school_pages import _drop_database

            _drop_database(PG_BENCH_DB)
    lines = out.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith("RESULT ")))
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        return 1
    result = next(json.loads(line[7:]) for line in lines if line.startswith("RESULT "))
    print(f"  database:      {args.database} (setup and run {time.perf_counter() - started:.0f} s)")
    return 0 if _report(result) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
