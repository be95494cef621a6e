"""Import and evaluate one national school day: 1.66 million marks as CSV.

New Zealand has about 2,500 schools and 830,000 students, so one day's register
is about 1.66 million marks. Setup (not timed) creates the schools, students and
the term's earlier marks; then the day's file is imported and the changed terms
evaluated, timed together, as `stepwise import register` does.

    python -m benchmarks.national_day --database sqlite
    python -m benchmarks.national_day --database postgres --students 830000
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

NAME = "national_day"
DESCRIPTION = "import and evaluate one national day (1.66M marks) on SQLite and PostgreSQL"
PG_ADMIN_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/test")
PG_BENCH_DB = "stepwise_bench"
DAY = date(2026, 11, 20)  # a Friday in Term 4 2026


def _database_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def _setup(students: int, schools: int, seed: int) -> None:
    """Create schools, students, enrolments and the term's marks before DAY, in bulk."""
    from django.core.management import call_command

    from stepwise.accounts.models import Organisation
    from stepwise.register.models import RegisterTerm
    from stepwise.rules.pack import default_terms, load_pack
    from stepwise.schools.models import Enrolment, School, Student, Term
    from stepwise.standings.services import terms_evaluate

    call_command("migrate", verbosity=0)
    pack = load_pack("nz")
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"School {i}", kind="school") for i in range(schools)], batch_size=5000
    )
    school_rows = School.objects.bulk_create(
        [
            School(code=f"S{i:04d}", name=f"School {i}", pack="nz", organisation=o)
            for i, o in enumerate(orgs)
        ],
        batch_size=5000,
    )
    Term.objects.bulk_create(
        [
            Term(school=s, year=2026, number=t.number, name=t.name, start=t.start, end=t.end)
            for s in school_rows
            for t in default_terms(pack, 2026)
        ],
        batch_size=5000,
    )
    term4 = dict(Term.objects.filter(number=4).values_list("school_id", "id"))
    rng = np.random.default_rng(seed)
    school_of = rng.integers(0, schools, size=students)
    for start in range(0, students, 50_000):
        stop = min(students, start + 50_000)
        Student.objects.bulk_create(
            [
                Student(school=school_rows[school_of[i]], national_id=f"{100000000 + i}",
                        given_name="Student", family_name=f"N{i}",
                        birth_date=date(2012, 1, 1))
                for i in range(start, stop)
            ],
            batch_size=5000,
        )  # fmt: skip
    ids = dict(Student.objects.values_list("national_id", "id"))
    Enrolment.objects.bulk_create(
        [
            Enrolment(student_id=ids[f"{100000000 + i}"], school=school_rows[school_of[i]],
                      year_level=9, enrolled_from=date(2026, 1, 28))
            for i in range(students)
        ],
        batch_size=5000,
    )  # fmt: skip
    # Earlier days of the term: Term 4 starts 12 Oct; 29 weekdays before 20 Nov.
    present, absent = pack.code_index["P"], pack.code_index["M"]
    width = 2 * 50
    before = 2 * 29
    marks = np.zeros((students, width), dtype=np.uint8)
    marks[:, :before] = np.where(rng.random((students, before)) < 0.9, present, absent)
    marks[:, 2 * 10 : 2 * 11] = 0  # Labour Day, Monday 26 October, is closed
    for start in range(0, students, 50_000):
        stop = min(students, start + 50_000)
        RegisterTerm.objects.bulk_create(
            [
                RegisterTerm(student_id=ids[f"{100000000 + i}"],
                             term_id=term4[school_rows[school_of[i]].pk], marks=marks[i].tobytes())
                for i in range(start, stop)
            ],
            batch_size=5000,
        )  # fmt: skip
    started = time.perf_counter()
    terms_evaluate(terms=list(Term.objects.filter(number=4)), as_of=DAY)
    print(f"  setup: first evaluation of the whole term took {time.perf_counter() - started:.1f} s")


def _day_file(students: int, schools: int, seed: int, folder: Path) -> Path:
    rng = np.random.default_rng(seed)
    school_of = rng.integers(0, schools, size=students)
    codes = np.array(["P", "P", "P", "P", "P", "P", "P", "P", "M", "T", "?", "L"])
    path = folder / "day.csv"
    with path.open("w") as f:
        f.write("school_id,student_id,date,session,code\n")
        for session in ("AM", "PM"):
            picks = codes[rng.integers(0, len(codes), size=students)]
            f.writelines(
                f"S{school_of[i]:04d},{100000000 + i},{DAY.isoformat()},{session},{picks[i]}\n"
                for i in range(students)
            )
    return path


def run(database: str, students: int, schools: int, seed: int) -> dict[str, float]:
    """Run the benchmark in a child process with its own database; return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "DATABASE_URL": _database_url(database, folder),
               "STEPWISE_DATA_DIR": tmp, "STEPWISE_PROGRESS": "0"}  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.national_day", "--child", "--students",
             str(students), "--schools", str(schools), "--seed", str(seed), "--folder", tmp],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        print(out.stdout, end="")
        figures = {}
        for line in out.stdout.splitlines():
            if line.startswith("RESULT "):
                key, value = line.split()[1:3]
                figures[key] = float(value)
        return figures


def _child(students: int, schools: int, seed: int, folder: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    django.setup()
    from stepwise.intake.services import register_take
    from stepwise.schools.models import Term
    from stepwise.standings.services import terms_evaluate

    started = time.perf_counter()
    _setup(students, schools, seed)
    print(
        f"  setup: {students:,} students in {schools:,} schools "
        f"in {time.perf_counter() - started:.0f} s"
    )
    path = _day_file(students, schools, seed, folder)
    data = path.read_bytes()
    started, started_cpu = time.perf_counter(), time.process_time()
    result = register_take(data, file_name=path.name, evaluate=False)
    imported, imported_cpu = time.perf_counter(), time.process_time()
    terms = list(Term.objects.filter(pk__in={t for _, t in result.affected}))
    # As `stepwise import register` does: the evaluation starts from the rows the
    # import merged and the enrolments it read rather than reading them again.
    evaluation = terms_evaluate(
        terms=terms, as_of=DAY, registers=result.registers, enrolments=result.enrolments
    )
    done, done_cpu = time.perf_counter(), time.process_time()
    print(f"  {result.summary()}")
    print(f"  evaluated {len(terms):,} school terms, {evaluation.created:,} new threshold events")
    print(f"RESULT import_s {imported - started:.2f}")
    print(f"RESULT evaluate_s {done - imported:.2f}")
    print(f"RESULT total_s {done - started:.2f}")
    # CPU time of this process only: on PostgreSQL the server's work is not in it.
    print(f"RESULT import_cpu_s {imported_cpu - started_cpu:.2f}")
    print(f"RESULT evaluate_cpu_s {done_cpu - imported_cpu:.2f}")
    print(f"RESULT marks {result.rows}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks national_day",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--students", type=int, default=830_000)
    parser.add_argument("--schools", type=int, default=2_500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.students, args.schools, args.seed, args.folder)
        return 0
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        figures = run(database, args.students, args.schools, args.seed)
        print(
            f"national day on {database}: {figures['marks']:,.0f} marks imported in "
            f"{figures['import_s']:.1f} s and evaluated in {figures['evaluate_s']:.1f} s: "
            f"{figures['total_s']:.1f} s in all (target: at most 15 s); CPU time in this "
            f"process {figures['import_cpu_s']:.1f} s + {figures['evaluate_cpu_s']:.1f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
