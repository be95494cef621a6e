from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.ops.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `stepwise backup`. "
        "Stop the web app first; everything written since the backup is lost."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file: Path, yes: bool, **options) -> None:
        if not yes:
            answer = input(f"Replace everything in the database with {file}? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            restore(file)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Restored from {file}.")
