"""Regenerate the snapshot of the demo schools' standings (`make snapshot`).

The demo is loaded into a fresh, temporary SQLite database as of a fixed day,
and every started term's standings are written as CSV under `snapshots/`, so a
change to a rule pack or the engine shows up as a reviewable diff.
"""

import csv
import io
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 20)
SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots"


def snapshot_files(as_of: date = AS_OF) -> dict[str, str]:
    """Return {file name: CSV text} of every demo school's standings in each started term."""
    from stepwise.schools.models import School
    from stepwise.standings.selectors import term_register
    from stepwise.standings.table import flat_standing, standing_columns

    files = {}
    for school in School.objects.order_by("code"):
        for term in school.terms.filter(start__lte=as_of).order_by("start"):
            register = term_register(school, term, as_of=as_of)
            rows = sorted(
                (flat_standing(school.rules, row) for row in register.rows()),
                key=lambda r: r["student_id"],
            )
            out = io.StringIO()
            writer = csv.DictWriter(
                out, fieldnames=standing_columns(school.rules), lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(rows)
            files[f"{school.code}-{term.key}.csv"] = out.getvalue()
    return files


def main() -> None:
    if len(sys.argv) > 1:
        print(__doc__)
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/snapshot.sqlite3"
        os.environ["STEPWISE_DATA_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from stepwise.demo.load import demo_load

        call_command("migrate", verbosity=0)
        demo_load(as_of=AS_OF)
        files = snapshot_files()
    SNAPSHOT_DIR.mkdir(exist_ok=True)
    for old in SNAPSHOT_DIR.glob("*.csv"):
        old.unlink()
    for name, text in files.items():
        (SNAPSHOT_DIR / name).write_text(text)
    print(f"Wrote {len(files)} standings files to {SNAPSHOT_DIR}; `git diff` shows what changed.")


if __name__ == "__main__":
    main()
