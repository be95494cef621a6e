"""Prepare a database and static files for this release; run before starting or upgrading.

1. Refuse a database that a newer release has migrated (its schema is not ours to touch).
2. Apply this release's migrations.
3. Collect the static files the web processes serve.
4. In production, run Django's deployment checks and stop on any warning.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from stepwise.ops.migrations_state import newer_database_message, schema_state


class Command(BaseCommand):
    help = (
        "Migrate the database and collect static files for this release, refusing a "
        "database that a newer release has upgraded. Run it before `stepwise serve "
        "--production`, after each upgrade."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only say whether the database needs deploying"
        )

    def handle(self, *args, check: bool, **options) -> None:
        try:
            state = schema_state()
        except DatabaseError as e:
            raise CommandError(f"Cannot reach the database (DATABASE_URL): {e}") from None
        if state.database_is_newer:
            raise CommandError(newer_database_message(state))
        if check:
            if state.pending:
                raise CommandError(
                    f"{len(state.pending)} migration(s) to apply: run `stepwise deploy`"
                )
            self.stdout.write("The database is up to date with this release.")
            return
        self.stdout.write(f"Applying {len(state.pending)} migration(s).")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Static files collected in {settings.STATIC_ROOT}.")
        if settings.PRODUCTION:
            call_command("check", deploy=True, fail_level="WARNING")
        self.stdout.write("Deployed: start the web and task processes.")
