"""A school's letter is kept exactly as long as the school's record of sending it.

Retention purges a response activity 7 years after the student's enrolment ended; the
letter goes with it (and its place in any batch), then the student and their caregivers.
"""

from datetime import date
from decimal import Decimal

from stepwise.letters.models import Letter
from stepwise.letters.schools.services import school_letter_issue
from stepwise.letters.sending import Figures
from stepwise.privacy.services import retention_run
from stepwise.responses.models import ResponseActivity
from stepwise.schools.models import Enrolment, Student
from tests.front.conftest import TODAY

from .conftest import at


def test_retention_takes_the_letter_with_the_response_then_the_student(
    school, students, officer, school_sender
):
    aroha = students["Aroha"]
    school_letter_issue(
        school=school,
        student=aroha,
        letter_key="school_notification",
        by=officer,
        sent_on=TODAY,
        method="hand",
        reason="reached 10 days",
        figures=Figures(Decimal(29), Decimal(29)),
        now=at(TODAY, 14),
    )
    assert Letter.objects.filter(student=aroha).count() == 2
    Enrolment.objects.filter(student=aroha).update(enrolled_to=date(2026, 12, 18))
    retention_run(today=date(2034, 1, 10))  # more than 7 years after she left
    assert not ResponseActivity.objects.filter(student_id=aroha.pk).exists()
    assert not Letter.objects.filter(student_id=aroha.pk).exists()
    assert not Student.objects.filter(pk=aroha.pk).exists()
