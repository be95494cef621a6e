from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.audit.models import AuditEvent
from stepwise.dashboard import selectors
from stepwise.dashboard.export import (
    ATTENDANCE_COLUMNS,
    RESPONSE_COLUMNS,
    PeriodError,
    export_file_name,
    parse_period,
    write_ministry_export,
)
from stepwise.schools.models import School


class Command(BaseCommand):
    help = (
        "Write a school's Ministry export for a period: a zip with attendance.csv "
        "(one row per student per half-day) and responses.csv (one row per response "
        "activity). Private notes are never exported. See docs/ministry-export.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        ministry = sub.add_parser(
            "ministry",
            help="the Ministry export (daily attendance and response activities)",
            description=(
                f"attendance.csv columns: {', '.join(ATTENDANCE_COLUMNS)}. "
                f"responses.csv columns: {', '.join(RESPONSE_COLUMNS)}. "
                "Attendance runs through today at the latest; the period is at most 366 days."
            ),
        )
        ministry.add_argument("--school", required=True, help="the school id")
        ministry.add_argument(
            "--from", required=True, dest="first", metavar="YYYY-MM-DD", help="first day"
        )
        ministry.add_argument(
            "--to", required=True, dest="last", metavar="YYYY-MM-DD", help="last day (inclusive)"
        )
        ministry.add_argument(
            "--output",
            type=Path,
            help="the zip file to write (default: ministry-export-SCHOOL-FROM-to-TO.zip here)",
        )

    def handle(
        self, *args, school: str, first: str, last: str, output: Path | None, **options
    ) -> None:
        """Write the export and record it in the audit log.

        1. Find the school and check the period (the same rules as the web page).
        2. Write the zip to a temporary name beside the output, then rename it, so a
           failed run never leaves a half-written export behind.
        3. Record an "export" audit event naming the school, the period and the file.
        """
        found = School.objects.filter(code=school).first()
        if found is None:
            raise CommandError(f"no school with id {school!r} (see `stepwise school list`)")
        today = selectors.today()
        try:
            start, end = parse_period(first, last, today=today)
        except PeriodError as e:
            raise CommandError(". ".join(e.errors.values())) from None
        path = output or Path(export_file_name(found, start, end))
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("wb") as file:
                counts = write_ministry_export(
                    file, school=found, start=start, end=end, today=today
                )
            partial.replace(path)
        except OSError as e:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {path}: {e.strerror}") from None
        AuditEvent.objects.create(
            user=None,
            organisation=found.organisation,
            action=AuditEvent.Action.EXPORT,
            object_type="ministry_export",
            object_id=found.code,
            detail=f"{start.isoformat()} to {end.isoformat()} by command to {path}"[:300],
        )
        self.stdout.write(
            f"Wrote {path}: {counts.attendance} attendance rows and "
            f"{counts.responses} response activities for {found.code}, "
            f"{start.isoformat()} to {end.isoformat()}."
        )
