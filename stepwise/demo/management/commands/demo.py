import time
from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from stepwise.demo.load import DEMO_PASSWORD, demo_load, demo_logins, demo_today
from stepwise.schools.models import School


class Command(BaseCommand):
    help = (
        "Load two synthetic schools (New Zealand and Kent) with a school year of registers, "
        "caregivers and demo sign-ins. Every person in it is invented."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=date.fromisoformat, help="last day of register data (default: today)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any school exists already"
        )

    def handle(self, *args, as_of: date | None, seed: int, if_empty: bool, **options) -> None:
        if if_empty and School.objects.exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            started = time.monotonic()
            demo_load(as_of=as_of or demo_today(), seed=seed, progress=self.stdout.write)
            self.stdout.write(f"Demo loaded in {time.monotonic() - started:.1f} s.")
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<16} {login.role} at {login.school}")
            if login.totp_key:
                self.stdout.write(
                    f"  {'':<16} two-factor key for an authenticator app: {login.totp_key}"
                )
        self.stdout.write(
            "\nCase staff and admins also need a code: add the key to an authenticator app,\n"
            "or run\n"
            "  .venv/bin/stepwise demo-code USERNAME\n"
            "to print the current code of a demo user's authenticator."
        )
