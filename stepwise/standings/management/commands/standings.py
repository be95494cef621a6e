import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.schools.models import School
from stepwise.standings.selectors import term_register
from stepwise.standings.table import flat_standing, standing_columns
from stepwise.web.csvfiles import csv_writer


class Command(BaseCommand):
    help = "Print one row per student with their standing in a term, as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school id")
        parser.add_argument("--term", required=True, help="the term key, e.g. 2026T4")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, school: str, term: str, format: str, as_of: date | None, **options):
        found = School.objects.filter(code=school).first()
        if found is None:
            raise CommandError(f"no school with id {school!r} (see `stepwise school list`)")
        year, _, number = term.partition("T")
        the_term = (
            found.terms.filter(year=int(year), number=int(number)).first()
            if (year.isdigit() and number.isdigit())
            else None
        )
        if the_term is None:
            keys = ", ".join(t.key for t in found.terms.all())
            raise CommandError(f"{school} has no term {term!r} (it has {keys})")
        register = term_register(found, the_term, as_of=as_of)
        rows = sorted(
            (flat_standing(found.rules, row) for row in register.rows()),
            key=lambda r: r["student_id"],
        )
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=1, ensure_ascii=False))
            return
        columns = standing_columns(found.rules)
        writer = csv_writer(self.stdout)
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in rows)
