from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.onboarding.people import PeopleError, installation_admin_create

from .user import print_invitation


class Command(BaseCommand):
    help = (
        "Make an administrator of this installation: they add and change schools, "
        "attendance services and teams, and invite each organisation's first admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create",
            help="make an installation administrator (the first on a fresh installation) "
            "and print or email their one-time link to choose a password and set up an "
            "authenticator app",
        )
        create.add_argument("--email", required=True, help="their email (their user name)")
        create.add_argument("--given-name", default="", help="their given name")
        create.add_argument("--family-name", default="", help="their family name")

    def handle(self, *args, action: str, email: str, **options) -> None:
        try:
            invitation = installation_admin_create(
                email=email, given_name=options["given_name"], family_name=options["family_name"]
            )
        except PeopleError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"{invitation.user.get_username()} administers this installation.")
        print_invitation(self.stdout, invitation)
