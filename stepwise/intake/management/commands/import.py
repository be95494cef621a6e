from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.intake.services import caregivers_take, register_take, roster_take
from stepwise.progress import progress_bar
from stepwise.register.csvfile import ImportRejected


class Command(BaseCommand):
    help = (
        "Import a roster, caregivers or register CSV file, all or nothing. "
        "A register import then re-evaluates the terms it changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["roster", "caregivers", "register"])
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, with a header row)")
        parser.add_argument(
            "--no-evaluate",
            action="store_true",
            help="bulk loads: leave the changed terms pending evaluation (pages say so) "
            "until `stepwise evaluate` runs",
        )

    def handle(self, *args, kind: str, file: Path, no_evaluate: bool, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"cannot read {file}: {e.strerror}") from None
        try:
            if kind == "roster":
                result = roster_take(data, file_name=file.name)
            elif kind == "caregivers":
                result = caregivers_take(data, file_name=file.name)
            else:
                with progress_bar(total=data.count(b"\n"), desc=f"Reading {file.name}") as bar:
                    result = register_take(
                        data, file_name=file.name, progress=bar.update, evaluate=not no_evaluate
                    )
        except ImportRejected as e:
            raise CommandError(e.summary()) from None
        self.stdout.write(result.summary())
        r = result.evaluation
        if r is not None:
            self.stdout.write(
                f"Evaluated {len(result.affected)} school terms ({r.students} students): "
                f"{r.created} threshold events reached, {r.moved} moved, {r.withdrawn} withdrawn."
            )
        elif kind == "register" and result.affected:
            self.stdout.write(
                f"Not evaluated: {len(result.affected)} school terms wait for `stepwise evaluate`, "
                "and their pages say so."
            )
