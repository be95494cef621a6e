from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.schools.calendars import closed_days, school_calendar
from stepwise.schools.models import School


class Command(BaseCommand):
    help = "Show a school's terms for a school year, with school days and closures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school id")
        parser.add_argument("--year", required=True, type=int, help="the school year, e.g. 2026")
        parser.add_argument("--days", action="store_true", help="list every school day too")

    def handle(self, *args, school: str, year: int, days: bool, **options) -> None:
        found = School.objects.filter(code=school).first()
        if found is None:
            raise CommandError(f"no school with id {school!r} (see `stepwise school list`)")
        terms = list(found.terms.filter(year=year))
        if not terms:
            raise CommandError(f"{school} has no terms in {year}")
        calendar = school_calendar(found, terms)
        closed = closed_days(found, terms)
        for term in terms:
            open_days = calendar.school_days(term.key)
            self.stdout.write(
                f"{term.key}  {term.name}: {term.start} to {term.end}, "
                f"{len(open_days)} school days ({2 * len(open_days)} sessions)"
            )
            for day, reason in sorted(closed.items()):
                if term.contains(day) and day.weekday() < 5:
                    self.stdout.write(f"    closed {day} {day:%a}: {reason}")
            if days:
                for day in open_days:
                    self.stdout.write(f"    {day} {day:%a}")
