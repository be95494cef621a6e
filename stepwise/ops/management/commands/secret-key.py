"""Print a new random SECRET_KEY for a production installation's environment."""

from django.core.management.base import BaseCommand
from django.core.management.utils import get_random_secret_key


class Command(BaseCommand):
    help = "Print a new random secret key, for SECRET_KEY in production's environment."

    def handle(self, *args, **options) -> None:
        self.stdout.write(get_random_secret_key())
