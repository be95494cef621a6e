"""Tell a school when an attendance service sends letters about one of its students.

The notice is kept where the school sees it (the student's page) and emailed to the
address the school set for notices, if any. The email names the student, the
service and the letter, never the caregivers or why: those stay in Stepwise, behind
its sign-in. A failed email does not stop the letters: it is recorded on the notice.
"""

from datetime import date, datetime

from django.core.mail import EmailMessage

from stepwise.cases.models import Case
from stepwise.rules.days import long_date
from stepwise.schools.models import School

from .models import LetterNotice, LetterSender
from .sending import METHOD_WORDS, Plan


def notices_address(school: School) -> str:
    """Return where the school wants notices of letters: its notices address, else its email."""
    found = LetterSender.objects.filter(organisation=school.organisation_id).first()
    if found is None:
        return ""
    return found.notices_email or found.email


def _email(notice: LetterNotice, address: str) -> str:
    """Send the notice; return the error, or "" when it went."""
    who = notice.student.full_name if notice.student else "one of your students"
    count = len(notice.recipients.splitlines())
    message = EmailMessage(
        subject=f"{notice.service.name} sent letter {notice.step} about {who}",
        body=(
            f"{notice.service.name} sent letter {notice.step} ({notice.title}) about {who} "
            f"on {long_date(notice.sent_on)}, to {count} caregiver{'' if count == 1 else 's'} "
            f"with parental responsibility, by {METHOD_WORDS[notice.method]}.\n\n"  # type: ignore[index]
            "Sign in to Stepwise and open the student's page to see it.\n\n"
            "This is an automatic notice from Stepwise.\n"
        ),
        to=[address],
    )
    try:
        message.send(fail_silently=False)
    except Exception as e:  # an SMTP server's refusal, or no server at all
        return str(e) or e.__class__.__name__
    return ""


def school_notice_record(
    *, case: Case, plan: Plan, sent_on: date, method: str, now: datetime
) -> LetterNotice | None:
    """Record that the case's letters went, for the case's Stepwise school; email it there."""
    school = next((s.school for s in case.schools.all() if s.school is not None), None)
    if school is None:
        return None
    notice = LetterNotice.objects.create(
        school=school,
        student=case.student,
        service=case.service,
        case=case,
        step=plan.letter.step,
        title=plan.letter.title,
        sent_on=sent_on,
        method=method,
        recipients="\n".join(r.name for r in plan.recipients),
        created_at=now,
    )
    address = notices_address(school)
    if address:
        error = _email(notice, address)
        notice.emailed_to, notice.email_error = ("", error[:500]) if error else (address, "")
        notice.save(update_fields=["emailed_to", "email_error"])
    return notice
