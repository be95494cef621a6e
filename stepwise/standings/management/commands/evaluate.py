from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.progress import progress_bar
from stepwise.schools.models import School
from stepwise.standings.services import school_evaluate


class Command(BaseCommand):
    help = "Evaluate registers against their rule packs and record threshold events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="one school id (default: every school)")
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, school: str | None, as_of: date | None, **options) -> None:
        schools = School.objects.order_by("code")
        if school:
            schools = schools.filter(code=school)
            if not schools:
                raise CommandError(f"no school with id {school!r} (see `stepwise school list`)")
        with progress_bar(total=len(schools), desc="Evaluating", unit="schools") as bar:
            for s in schools:
                r = school_evaluate(school=s, as_of=as_of)
                self.stdout.write(
                    f"{s.code}: {r.students} students; threshold events {r.created} new, "
                    f"{r.moved} moved, {r.withdrawn} withdrawn"
                )
                bar.update(1)
