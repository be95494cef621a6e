from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.progress import progress_bar
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import Term
from stepwise.standings.services import terms_evaluate


class Command(BaseCommand):
    help = (
        "Import a roster, caregivers or register CSV file, all or nothing. "
        "A register import then re-evaluates the terms it changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["roster", "caregivers", "register"])
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, with a header row)")
        parser.add_argument(
            "--no-evaluate", action="store_true", help="do not re-evaluate after a register import"
        )

    def handle(self, *args, kind: str, file: Path, no_evaluate: bool, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"cannot read {file}: {e.strerror}") from None
        try:
            if kind == "roster":
                result = import_roster(data, file_name=file.name)
            elif kind == "caregivers":
                result = import_caregivers(data, file_name=file.name)
            else:
                with progress_bar(total=data.count(b"\n"), desc=f"Reading {file.name}") as bar:
                    result = import_register(data, file_name=file.name, progress=bar.update)
        except ImportRejected as e:
            raise CommandError(e.summary()) from None
        self.stdout.write(result.summary())
        if kind == "register" and result.affected and not no_evaluate:
            self._evaluate(result.affected)

    def _evaluate(self, affected: set[tuple[int, int]]) -> None:
        terms = list(Term.objects.filter(pk__in={t for _, t in affected}))
        r = terms_evaluate(terms=terms)
        self.stdout.write(
            f"Evaluated {len(terms)} school terms ({r.students} students): {r.created} threshold "
            f"events reached, {r.moved} moved, {r.withdrawn} withdrawn."
        )
