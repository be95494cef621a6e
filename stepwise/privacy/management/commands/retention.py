from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stepwise.privacy.retention import RULES, retention_years
from stepwise.privacy.services import retention_run


class Command(BaseCommand):
    help = (
        "Purge every record kept past its retention rule (settings.STEPWISE_RETENTION: "
        "years per record type; the defaults are "
        + "; ".join(rule.text(rule.default_years) for rule in RULES)
        + "). Each kind purged leaves a tombstone saying what was removed, which ids, "
        "under which rule, when and by which run; tombstones are never purged. "
        "See docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="count what would be purged and change nothing",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="the day to count retention from (default: today)",
        )

    def handle(self, *args, dry_run: bool, today: date | None, **options) -> None:
        try:
            retention_years()
        except ImproperlyConfigured as e:
            raise CommandError(str(e)) from None
        given = today is not None
        today = today or timezone.localdate()
        command = "stepwise retention" + (f" --today {today}" if given else "")
        command += " --dry-run" if dry_run else ""
        report = retention_run(today=today, dry_run=dry_run, command=command)
        verb = "would remove" if dry_run else "removed"
        for purge in report.purges:
            cascaded = ", ".join(f"{n} {label}" for label, n in purge.cascaded.items())
            self.stdout.write(
                f"{purge.kind}: {verb} {purge.count} (clock ran out before {purge.cutoff}; "
                f"rule {purge.rule})" + (f"; with them {cascaded}" if cascaded else "")
            )
        for kind in report.kept_for_good:
            self.stdout.write(f"{kind}: kept for good (no retention rule)")
        total = sum(p.count for p in report.purges)
        if dry_run:
            self.stdout.write(f"Dry run as of {today}: nothing changed; {total} records are due.")
        else:
            tombstones = sum(1 for p in report.purges if p.count)
            self.stdout.write(
                f"Retention run {report.run} as of {today}: removed {total} records, "
                f"wrote {tombstones} tombstones."
            )
