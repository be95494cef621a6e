"""A checklist answer may point at the entry of the case's log that proves it."""

import pytest
from django.urls import reverse

from stepwise.readiness.models import Attestation
from tests.letters.test_england import kent_case  # noqa: F401  (a fixture)

from .conftest import attempt

# Each case: (case fixture, checklist item, answer).
CASES = [("case", "crm_spoken", "spoken"), ("kent_case", "dsl_consulted", "consulted")]


@pytest.mark.parametrize(("case_fixture", "item", "answer"), CASES)
def test_an_attestation_links_the_chosen_log_entry_as_its_evidence(
    request, login, caseworker, case_fixture, item, answer
):
    case = request.getfixturevalue(case_fixture)
    entry = attempt(case, caseworker, 3, "meeting", "engaged")
    client = login(caseworker)
    url = reverse("readiness_attest", args=[case.pk, item])
    assert f'value="{entry.pk}"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"answer": answer, "happened_on": "2026-11-19", "note": "See the meeting notes.",
         "evidence": entry.pk},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    (said,) = Attestation.objects.filter(case=case)
    assert said.evidence == entry


def test_an_entry_of_another_case_is_refused_as_evidence(
    login,
    case,
    caseworker,
    kent_case,  # noqa: F811
):
    elsewhere = attempt(kent_case, caseworker, 3, "meeting", "engaged")
    client = login(caseworker)
    response = client.post(
        reverse("readiness_attest", args=[case.pk, "crm_spoken"]),
        {"answer": "spoken", "happened_on": "2026-11-19", "note": "Met Mere.",
         "evidence": elsewhere.pk},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Choose an entry of this case&#x27;s log" in response.content.decode()
    assert not Attestation.objects.exists()
