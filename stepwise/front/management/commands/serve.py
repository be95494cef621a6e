from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the Stepwise web app (development server) on http://127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to listen on")

    def handle(self, *args, addr: str, **options) -> None:
        self.stdout.write(f"Stepwise is at http://{addr}/ (Ctrl-C stops it)")
        call_command("runserver", addr, use_reloader=False)
