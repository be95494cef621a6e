from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stepwise.accounts.enrolment import ENROLMENT_LINK_DAYS, enrolment_link_create
from stepwise.accounts.models import Membership
from stepwise.accounts.two_factor import needs_two_factor
from stepwise.onboarding.people import (
    Invitation,
    PeopleError,
    organisation_find,
    person_invite,
)


def print_invitation(stdout, invitation: Invitation) -> None:
    """Print where the link went: to the person by email, or here, to be passed on."""
    expires = timezone.localtime(invitation.expires_at)
    name = invitation.user.get_username()
    if invitation.emailed:
        stdout.write(f"Emailed {name} a link that works once, until {expires:%Y-%m-%d %H:%M %Z}.")
        return
    stdout.write(invitation.address)
    stdout.write(
        f"No mail server is configured: give {name} this link yourself. It works once, "
        f"until {expires:%Y-%m-%d %H:%M %Z}, to choose a password and set up an authenticator app."
    )


class Command(BaseCommand):
    help = (
        "Manage users. `user invite --org O --role R --email E` gives a person a role and a "
        "one-time link to set up their sign-in; `user enrolment-link USERNAME` prints a "
        "one-time link for them to set up two-factor sign-in (the only way to set it up)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        link = sub.add_parser(
            "enrolment-link",
            help="print a one-time link for the user to set up two-factor sign-in; it ends "
            "any unused link they had, and replaces their authenticator once used",
        )
        link.add_argument("username", help="the user's username")
        invite = sub.add_parser(
            "invite",
            help="give a person (their email is their user name) a role in an organisation, "
            "and a one-time link to choose a password and set up an authenticator app; "
            "the link is emailed if a mail server is configured, printed otherwise",
        )
        invite.add_argument("--org", required=True, help="the organisation's name or number")
        invite.add_argument(
            "--role", required=True, choices=Membership.Role.values, help="their role there"
        )
        invite.add_argument("--email", required=True, help="their email address")
        invite.add_argument("--given-name", default="", help="their given name")
        invite.add_argument("--family-name", default="", help="their family name")
        link.add_argument(
            "--days",
            type=int,
            default=ENROLMENT_LINK_DAYS,
            help=f"how many days the link works (default {ENROLMENT_LINK_DAYS})",
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "invite":
            self._invite(**options)
            return
        username, days = options["username"], options["days"]
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

    def _invite(self, *, org: str, role: str, email: str, **options) -> None:
        try:
            organisation = organisation_find(org)
            invitation = person_invite(
                organisation=organisation,
                email=email,
                role=role,
                by=None,
                given_name=options["given_name"],
                family_name=options["family_name"],
            )
        except PeopleError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"Invited {invitation.user.get_username()} to {organisation.name} as "
            f"{Membership.Role(role).label.lower()}."
        )
        print_invitation(self.stdout, invitation)
