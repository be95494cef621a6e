"""The case page's certificates panel: `{% case_certificates_panel case as panel %}`."""

from typing import Any

from django import template

from stepwise.cases.models import Case

from ..models import RegistrationCertificate
from ..selectors import case_schools, certificates_for_student

register = template.Library()


@register.simple_tag
def case_certificates_panel(case: Case) -> dict[str, Any]:
    """Return what the panel shows: the child's certificates and the schools to issue from."""
    student = case.student
    if student is None:
        return {"certificates": [], "schools": [], "periods": []}
    return {
        "certificates": list(certificates_for_student(student).prefetch_related("changes")),
        "schools": case_schools(case),
        "periods": RegistrationCertificate.Period.choices,
    }
