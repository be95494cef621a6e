"""Build and issue registration certificates.

Issuing prints the student's register for the period as it stands, keeps the exact
PDF with its SHA-256 and the totals printed on it, and from then on the period's
marks are locked (see locks.py). Unresolved codes (England: N) do not stop a
certificate, but the issuer must confirm, and the certificate says so in red.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.register.models import RegisterTerm
from stepwise.register.selectors import register_terms
from stepwise.rules.certificate import CertificateRows, certificate_rows, year_label
from stepwise.rules.pack import Pack, school_year_of
from stepwise.schools.calendars import school_calendar
from stepwise.schools.models import Enrolment, School, Student
from stepwise.web.names import display_name

from .models import RegistrationCertificate
from .render import Heading, certificate_data, render_pdf
from .selectors import no_year_on_record, not_on_roll, year_periods

Period = RegistrationCertificate.Period


@dataclass(frozen=True)
class Draft:
    """What a certificate would print now, before anyone issues it."""

    school: School
    student: Student
    period: str
    school_year: int
    pack: Pack
    rows: CertificateRows

    @property
    def period_label(self) -> str:
        year = year_label(self.pack, self.school_year)
        if self.period == Period.THIS_YEAR:
            return f"From the start of the {year} school year to date"
        return f"The whole of the {year} school year"


def certificate_draft(*, school: School, student: Student, period: str, today: date) -> Draft:
    """Return the certificate the student's register gives for a period; raise ValidationError.

    `period` is "this_year" (its first day to today) or "last_year" (the whole year).
    """
    if period not in Period.values:
        raise ValidationError(
            {"period": "Period: choose this school year to date, or the whole previous year"}
        )
    spells = list(
        Enrolment.objects.filter(school=school, student=student)
        .order_by("enrolled_from")
        .values_list("enrolled_from", "enrolled_to")
    )
    if not spells:
        raise ValidationError({"student": f"{student.full_name} is not on {school.name}'s roll"})
    this_year, last_year = year_periods(school, today)
    span = this_year if period == Period.THIS_YEAR else last_year
    if span is None:
        raise ValidationError({"period": no_year_on_record(school)})
    if (elsewhere := not_on_roll(school, student, span)) is not None:
        raise ValidationError({"period": elsewhere})
    first, last = span
    pack = school.rules
    year = school_year_of(pack, first)
    terms = list(school.terms.filter(year=year).order_by("start"))
    calendar = school_calendar(school, terms)
    marks = np.zeros(calendar.width, dtype=np.uint8)
    stored = register_terms([t.pk for t in terms], student_pks=[student.pk])
    for term in terms:
        if term.pk in stored:
            marks[calendar.slots(term.key)] = stored[term.pk].marks[0]
    rows = certificate_rows(
        pack,
        calendar,
        marks,
        first=first,
        last=last,
        enrolled=spells,
    )
    return Draft(school, student, period, year, pack, rows)


def _name(user: User) -> str:
    return display_name(user)


def certificate_issue(
    *,
    school: School,
    student: Student,
    period: str,
    by: User,
    issued_for: Organisation,
    confirmed_unresolved: bool = False,
    now: datetime | None = None,
) -> RegistrationCertificate:
    """Print the student's register for the period, keep it, and lock the period.

    With unresolved codes in the period the issuer must confirm (`confirmed_unresolved`);
    the certificate is then issued flagged, listing them.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # Hold the student's register rows while printing them: an import that changes
        # them waits, then finds this certificate and records its change against it.
        list(
            RegisterTerm.objects.select_for_update()
            .filter(student=student, term__school=school)
            .values_list("pk")
        )
        draft = certificate_draft(school=school, student=student, period=period, today=today)
        return _issue(draft, by=by, issued_for=issued_for, confirmed=confirmed_unresolved, now=now)


def _issue(
    draft: Draft, *, by: User, issued_for: Organisation, confirmed: bool, now: datetime
) -> RegistrationCertificate:
    rows, school, student = draft.rows, draft.school, draft.student
    today = timezone.localdate(now)
    if rows.unresolved and not confirmed:
        codes = ", ".join(rows.unresolved_codes)
        raise ValidationError(
            {
                "confirm": f"Confirm that the certificate may be issued with "
                f"{rows.totals.unresolved} {draft.pack.word('sessions')} still coded {codes}"
            }
        )
    heading = Heading(
        school_name=school.name,
        school_number=school.school_number or school.code,
        student_name=student.full_name,
        student_id=student.national_id,
        birth_date=student.birth_date,
        period=draft.period_label,
        issued_on=today,
        issued_by=_name(by),
        issued_for=issued_for.name,
    )
    pdf = render_pdf(certificate_data(rows=rows, pack=draft.pack, heading=heading), at=now)
    totals = rows.totals
    return RegistrationCertificate.objects.create(
        school=school,
        student=student,
        period=draft.period,
        school_year=draft.school_year,
        first_day=rows.first,
        last_day=rows.last,
        issued_by=by,
        issued_by_name=_name(by),
        issued_for=issued_for.name,
        issued_at=now,
        pdf=pdf,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        possible=totals.possible,
        present=totals.present,
        justified=totals.justified,
        unjustified=totals.unjustified,
        missing=totals.missing,
        unresolved_count=totals.unresolved,
        unresolved_codes=", ".join(rows.unresolved_codes),
    )
