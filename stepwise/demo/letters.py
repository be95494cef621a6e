"""Demo letters: the New Zealand school has already sent one batch of letter 1.

It goes through the real services (the school's batch, run in-process here rather than
by the task worker), so the demo shows a finished batch with its summary, the letters
on each student's page, and the PDF of them all to print.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from stepwise.letters.batches.services import batch_run, school_batch_start
from stepwise.letters.models import LetterBatch, LetterSender
from stepwise.schools.models import School


def demo_school_batch(*, school: School, officer: User, as_of: date) -> LetterBatch | None:
    """Head the school's letters, then send letter 1 to everyone over its batch threshold.

    The batch went out a week before the demo's day, so the students who reached the
    threshold since are waiting for the officer's next batch, as in a real school.
    """
    sent_on = as_of - timedelta(days=7)
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
        sent_on=sent_on,
        method="post",
        reason="reached 10 days absent this term (the school's attendance management plan)",
        now=timezone.make_aware(datetime.combine(sent_on, time(15))),
    )
    return batch_run(batch_pk=batch.pk)
