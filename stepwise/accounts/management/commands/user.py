from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stepwise.accounts.enrolment import ENROLMENT_LINK_DAYS, enrolment_link_create
from stepwise.accounts.two_factor import needs_two_factor


class Command(BaseCommand):
    help = (
        "Manage users. `user enrolment-link USERNAME` prints a one-time link for them to set "
        "up two-factor sign-in (the only way to set it up)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        link = sub.add_parser(
            "enrolment-link",
            help="print a one-time link for the user to set up two-factor sign-in; it ends "
            "any unused link they had, and replaces their authenticator once used",
        )
        link.add_argument("username", help="the user's username")
        link.add_argument(
            "--days",
            type=int,
            default=ENROLMENT_LINK_DAYS,
            help=f"how many days the link works (default {ENROLMENT_LINK_DAYS})",
        )

    def handle(self, *args, action: str, username: str, days: int, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}")
        if not needs_two_factor(user):
            raise CommandError(f"{username}'s roles do not need two-factor sign-in")
        if days < 1:
            raise CommandError("--days must be 1 or more")
        link, address = enrolment_link_create(user=user, days=days)
        expires = timezone.localtime(link.expires_at)
        self.stdout.write(address)
        self.stdout.write(
            f"The link works once and expires {expires:%Y-%m-%d %H:%M %Z}. Send it to "
            f"{username} by a way other than their password (in person, by phone, by email)."
        )
