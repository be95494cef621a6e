"""Keep a sent letter exactly as sent, and email it where it goes by email.

Case letters and school letters are kept alike; only whose letter it is differs: a
case's person and log entry, or a school's student, caregiver and response activity.
"""

from datetime import date, datetime

from django.contrib.auth.models import User

from .models import Letter
from .sending import Draft, Plan, email_letter


def letter_keep(
    plan: Plan,
    draft: Draft,
    *,
    owner: dict[str, object],
    file_format: str,
    content: bytes,
    sha: str,
    method: str,
    sent_on: date,
    reason: str,
    refused_because: str,
    override_reason: str,
    by: User,
    now: datetime,
) -> Letter:
    """Keep one recipient's letter with its file and hash; email it if that is the method.

    Call it inside the sending's transaction: an email that fails raises, and nothing
    of the sending is kept.
    """
    letter = plan.letter
    kept = Letter.objects.create(
        **owner,
        pack=plan.pack.key,
        set_key=plan.letter_set.key,
        letter_key=letter.key,
        step=letter.step,
        title=letter.title,
        language=draft.composed.language,
        method=method,
        sent_on=sent_on,
        emailed_to=draft.recipient.email if method == Letter.Method.EMAIL else "",
        reason=reason.strip(),
        refused_because=refused_because,
        override_reason=override_reason,
        file_format=file_format,
        pdf=content,
        size=len(content),
        sha256=sha,
        issued_by=by,
        issued_at=now,
    )
    if method == Letter.Method.EMAIL:
        email_letter(plan, draft, content, kept.file_name, kept.content_type)
    return kept
