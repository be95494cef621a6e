"""Demo letters: the New Zealand school has already sent one batch of letter 1.

It goes through the real services (the school's batch, run in-process here rather than
by the task worker), so the demo shows a finished batch with its summary, the letters
on each student's page, and the PDF of them all to print.
"""

from datetime import date, datetime, time

from django.contrib.auth.models import User
from django.utils import timezone

from stepwise.letters.batch_services import batch_run, school_batch_start
from stepwise.letters.models import LetterBatch, LetterSender
from stepwise.schools.models import School


def demo_school_batch(*, school: School, officer: User, as_of: date) -> LetterBatch | None:
    """Head the school's letters, then send letter 1 to everyone over its batch threshold."""
    LetterSender.objects.get_or_create(
        organisation=school.organisation,
        defaults={
            "address": "PO Box 427\nHamilton 3240",
            "phone": "07 555 0427",
            "email": "office@school.example.org",
            "signatory_title": "Attendance officer",
        },
    )
    batch = school_batch_start(
        school=school,
        by=officer,
        sent_on=as_of,
        method="post",
        reason="reached 10 days absent this term (the school's attendance management plan)",
        now=timezone.make_aware(datetime.combine(as_of, time(15))),
    )
    return batch_run(batch_pk=batch.pk)
