from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.demo.load import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user's demo authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="a demo user, e.g. nz-admin")

    def handle(self, *args, username: str, **options) -> None:
        # Only the devices `stepwise demo` made: a real user's authenticator is never shown.
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username!r} has no demo authenticator (see `stepwise demo`)")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
