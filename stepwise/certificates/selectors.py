"""Read certificates, and the school-year periods a certificate may cover.

`certificates_for_student` and `year_periods` are what the referral checklist and
the bundle read: keep their names and shapes.
"""

from datetime import date

from django.db.models import Count, QuerySet

from stepwise.cases.models import Case
from stepwise.rules.days import long_date
from stepwise.rules.pack import school_year_of
from stepwise.schools.models import Enrolment, School, Student

from .models import RegistrationCertificate

Period = tuple[date, date]


def certificates_for_student(student: Student) -> QuerySet[RegistrationCertificate]:
    """Return the certificates of a school's record of a student, newest first, without PDFs.

    A record is one school's (another school enrolling the child has its own), so a
    case reaches only the certificates of the school that referred the child.

    Each carries `change_count`, so `changed_since_issue` costs no query per certificate.
    """
    return (
        RegistrationCertificate.objects.filter(student=student)
        .defer("pdf")
        .select_related("school", "student")
        .annotate(change_count=Count("changes"))
        .order_by("-issued_at", "-pk")
    )


def certificates_at_school(school: School, student: Student) -> QuerySet[RegistrationCertificate]:
    """Return the certificates one school issued for a student, newest first."""
    return certificates_for_student(student).filter(school=school)


def case_schools(case: Case) -> list[School]:
    """Return the Stepwise schools on a case where its child is (or was) enrolled."""
    if case.student_id is None:
        return []
    return list(
        School.objects.filter(
            pk__in=case.schools.filter(school__isnull=False).values("school_id"),
            enrolments__student_id=case.student_id,
        ).order_by("name")
    )


def not_on_roll(school: School, student: Student, period: Period) -> str | None:
    """Return why a certificate cannot cover a period no spell of enrolment touches, else None.

    The school certifies only what its register holds: for a year before the child joined,
    the certificate is the school's they attended then.
    """
    first, last = period
    touched = Enrolment.objects.filter(school=school, student=student, enrolled_from__lte=last)
    if touched.exclude(enrolled_to__lt=first).exists():
        return None
    return (
        f"{student.full_name} was not on {school.name}'s roll between {long_date(first)} and "
        f"{long_date(last)}: ask the school they attended then"
    )


def no_year_on_record(school: School) -> str:
    """Return why a certificate cannot cover a school year the school has no terms for."""
    return f"{school.name} has no school days in that year on Stepwise yet"


def year_periods(school: School, today: date) -> tuple[Period | None, Period | None]:
    """Return (start of this school year to today, the whole previous school year).

    Each is a (first day, last day) pair, or None when the school has no terms for
    that year, or this year has not started yet. The school year is the rule pack's
    (England: August to July; New Zealand: the calendar year).
    """
    year = school_year_of(school.rules, today)
    terms = list(school.terms.filter(year__in=(year - 1, year)).order_by("start"))
    this_terms = [t for t in terms if t.year == year]
    last_terms = [t for t in terms if t.year == year - 1]
    this_year = None
    if this_terms and this_terms[0].start <= today:
        this_year = (this_terms[0].start, min(today, this_terms[-1].end))
    last_year = (last_terms[0].start, last_terms[-1].end) if last_terms else None
    return this_year, last_year
