"""The case page's certificates panel: `{% case_certificates_panel case as panel %}`."""

from typing import Any

from django import template
from django.utils import timezone

from stepwise.cases.models import Case

from ..models import RegistrationCertificate
from ..selectors import (
    case_schools,
    certificates_for_student,
    no_year_on_record,
    not_on_roll,
    year_periods,
)

register = template.Library()
Period = RegistrationCertificate.Period


@register.simple_tag
def case_certificates_panel(case: Case) -> dict[str, Any]:
    """Return what the panel shows: the child's certificates, and which may be issued now.

    A period the school has no terms for (a school year before it came to Stepwise) is
    not offered as a button that could only fail: the panel says why instead.
    """
    student = case.student
    if student is None:
        return {"certificates": [], "schools": [], "offers": [], "unavailable": []}
    today = timezone.localdate()
    schools = case_schools(case)
    offers, unavailable = [], []
    for school in schools:
        this_year, last_year = year_periods(school, today)
        periods: dict[str, Any] = {Period.THIS_YEAR: this_year, Period.LAST_YEAR: last_year}
        for period, label in Period.choices:
            span = periods[period]
            why = no_year_on_record(school) if span is None else not_on_roll(school, student, span)
            if why is None:
                offers.append((school, period, label))
            else:
                unavailable.append((school, label, why))
    return {
        "certificates": list(certificates_for_student(student).prefetch_related("changes")),
        "schools": schools,
        "offers": offers,
        "unavailable": unavailable,
    }
