from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.onboarding.organisations import school_setup
from stepwise.rules.pack import available_packs
from stepwise.schools.models import School
from stepwise.schools.services import SchoolError


class Command(BaseCommand):
    help = "Add or list schools. `school add` also creates the pack's usual terms and Descriptions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a school")
        add.add_argument(
            "--id", required=True, dest="code", help="the school_id used in import files"
        )
        add.add_argument("--name", required=True, help="the school's name")
        add.add_argument("--pack", required=True, choices=available_packs(), help="its rule pack")
        add.add_argument("--number", default="", help="the official school number")
        sub.add_parser("list", help="list schools")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for s in School.objects.order_by("code"):
                self.stdout.write(f"{s.code}\t{s.pack}\t{s.name}")
            return
        try:
            school = school_setup(
                code=options["code"],
                name=options["name"],
                pack=options["pack"],
                school_number=options["number"],
            )
        except SchoolError as e:
            raise CommandError(str(e)) from None
        terms = ", ".join(f"{t.key} {t.start}..{t.end}" for t in school.terms.all())
        self.stdout.write(f"Added {school}. Terms: {terms}")
