"""Who a token may reach: its own organisation's school (or service), nothing else.

Like stepwise.accounts.access for people: every endpoint looks its objects up
through here, and anything outside the token's organisation answers 404, so an
address never reveals whether another organisation's object exists.
"""

from django.http import Http404

from stepwise.accounts.models import Organisation
from stepwise.schools.models import School, Student, Term

from .models import ApiToken


def schools_for_token(token: ApiToken):
    return School.objects.filter(organisation_id=token.organisation_id)


def get_school_for_token(token: ApiToken, code: str) -> School:
    school = schools_for_token(token).filter(code=code).first()
    if school is None:
        raise Http404("No such school")
    return school


def get_term_of_school(school: School, key: str) -> Term:
    year, _, number = key.partition("T")
    term = None
    if year.isdigit() and number.isdigit() and len(key) <= 10:
        term = school.terms.filter(year=int(year), number=int(number)).first()
    if term is None:
        raise Http404("No such term")
    return term


def get_student_of_school(school: School, national_id: str) -> Student | None:
    """Return the school's own record of a student (enrolled now or before), or None."""
    return Student.objects.filter(school=school, national_id=national_id).first()


def get_service_for_token(token: ApiToken, org_id: int) -> Organisation:
    """Return the token's own organisation if it is the attendance service asked for."""
    if token.organisation_id != org_id or token.organisation.kind != Organisation.Kind.SERVICE:
        raise Http404("No such service")
    return token.organisation
