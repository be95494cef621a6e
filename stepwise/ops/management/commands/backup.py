from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.ops.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to a file while Stepwise keeps running "
        "(SQLite: online backup; PostgreSQL: pg_dump custom format)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="where to write it (default: stepwise-backup-<timestamp>.db or .dump)",
        )

    def handle(self, *args, file: Path | None, **options) -> None:
        from django.db import connection

        if file is None:
            suffix = "dump" if connection.vendor == "postgresql" else "db"
            file = Path(f"stepwise-backup-{datetime.now():%Y%m%d-%H%M%S}.{suffix}")
        try:
            backup(file)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")
