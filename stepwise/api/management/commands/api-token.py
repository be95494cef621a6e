from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.api.models import DEFAULT_RATE_PER_MINUTE
from stepwise.api.services import ApiTokenError, token_create, token_revoke
from stepwise.schools.models import School


class Command(BaseCommand):
    help = (
        "Make, list or revoke a school's API tokens (organisation admins can do the same "
        "on the API tokens page). A new token is printed once; only its SHA-256 is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="make a token for a school's organisation and print it")
        add.add_argument("--school", required=True, help="the school id")
        add.add_argument("--name", required=True, help="what will use it, e.g. 'SMS push'")
        add.add_argument(
            "--rate-per-minute",
            type=int,
            default=DEFAULT_RATE_PER_MINUTE,
            help=f"requests it may make in any 60 seconds (default {DEFAULT_RATE_PER_MINUTE})",
        )
        listing = sub.add_parser("list", help="list a school's tokens (never their secrets)")
        listing.add_argument("--school", required=True, help="the school id")
        revoke = sub.add_parser("revoke", help="revoke a token: it stops working at once")
        revoke.add_argument("--school", required=True, help="the school id")
        revoke.add_argument("prefix", help="the token's prefix: the part after swt_")

    def handle(self, *args, action: str, school: str, **options) -> None:
        found = School.objects.filter(code=school).select_related("organisation").first()
        if found is None:
            raise CommandError(f"no school with id {school!r} (see `stepwise school list`)")
        tokens = found.organisation.api_tokens
        if action == "add":
            try:
                _, secret = token_create(
                    organisation=found.organisation,
                    name=options["name"],
                    created_by=None,
                    rate_per_minute=options["rate_per_minute"],
                )
            except ApiTokenError as e:
                raise CommandError(str(e)) from None
            self.stdout.write(secret)
        elif action == "list":
            for t in tokens.all():
                state = "active" if t.active else f"revoked {t.revoked_at:%Y-%m-%d %H:%M}"
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                self.stdout.write(f"swt_{t.prefix}_…  {t.name}  ({state}; last used {used})")
        else:
            token = tokens.filter(prefix=options["prefix"].removeprefix("swt_")).first()
            if token is None:
                raise CommandError(f"{school} has no token {options['prefix']!r}")
            token_revoke(token=token, revoked_by=None)
            self.stdout.write(f"Revoked swt_{token.prefix}_… ({token.name}).")
