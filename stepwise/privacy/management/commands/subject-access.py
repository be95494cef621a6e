from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stepwise.audit.models import AuditEvent
from stepwise.privacy.services import (
    README,
    subject_access_file_name,
    write_subject_access,
)
from stepwise.schools.models import School, Student


class Command(BaseCommand):
    help = (
        "Write everything a school holds about one student (a subject access request) to a "
        f"zip of CSV files: {README} lists each file with its SHA-256. Private notes are "
        "never included: the README says how many exist, withheld for review by the "
        "organisation's data protection officer. The export is recorded in the audit log. "
        "See docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school id")
        parser.add_argument(
            "--student", required=True, metavar="ID", help="the student's national id (NSN/UPN)"
        )
        parser.add_argument(
            "--output",
            type=Path,
            metavar="FILE.zip",
            help="the zip to write (default: subject-access-SCHOOL-STUDENT-DATE.zip here)",
        )

    def handle(self, *args, school: str, student: str, output: Path | None, **options) -> None:
        """Write the zip and record it in the audit log.

        1. Find the school, and the student among those enrolled there now or before.
        2. Write the zip to a temporary name beside the output, then rename it, so a
           failed run never leaves a half-written export behind.
        3. Record an "export" audit event on the student, for the school's organisation.
        """
        found = School.objects.filter(code=school).first()
        if found is None:
            raise CommandError(f"no school with id {school!r} (see `stepwise school list`)")
        pupil = Student.objects.filter(school=found, national_id=student).first()
        if pupil is None:
            raise CommandError(f"{found.code} has no student with id {student!r}")
        now = timezone.now()
        path = output or Path(subject_access_file_name(found, pupil, timezone.localdate(now)))
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("wb") as file:
                export = write_subject_access(
                    file, school=found, student=pupil, produced_by="the stepwise command", now=now
                )
            partial.replace(path)
        except OSError as e:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {path}: {e.strerror}") from None
        AuditEvent.objects.create(
            user=None,
            organisation=found.organisation,
            action=AuditEvent.Action.EXPORT,
            object_type="student",
            object_id=str(pupil.pk),
            detail=f"{found.code} subject access request by command to {path}"[:300],
        )
        self.stdout.write(
            f"Wrote {path}: {len(export.files)} files about student {pupil.national_id} "
            f"at {found.code}; {export.withheld.total} private notes withheld (see {README})."
        )
