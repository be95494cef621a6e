"""An attendance service's token reads the cases its service holds: never their notes.

Who may see what: `service_token` belongs to the Kauri Attendance Service and reads its
cases; a token of another service, or of a school, gets 404 for the same address.
"""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from stepwise.accounts.models import Organisation
from stepwise.api.services import token_create
from stepwise.audit.models import AuditEvent
from stepwise.cases.models import Case, LogEntry
from stepwise.cases.services import case_open, log_entry_record

from .conftest import TODAY, Api

NOTE = "Private case note: must never leave through the API"


@pytest.fixture
def service(db):
    return Organisation.objects.create(name="Kauri Attendance Service", kind="service")


@pytest.fixture
def case(service):
    worker = get_user_model().objects.create_user("caseworker")
    opened = case_open(service=service, by=worker, reason=Case.Reason.values[0], given_name="Tama",
                       family_name="Rua", birth_date=None, school_name="Kauri Test College",
                       summary=f"Summary. {NOTE}", today=TODAY)  # fmt: skip
    log_entry_record(case=opened, by=worker, kind=LogEntry.Kind.values[0],
                     outcome=LogEntry.Outcome.values[0], support=LogEntry.Support.values[0],
                     happened_at=datetime(2026, 11, 20, tzinfo=UTC), notes=NOTE)  # fmt: skip
    return opened


def service_api(service) -> Api:
    return Api(Client(), token_create(organisation=service, name="CMS", created_by=None)[1])


def test_a_service_token_reads_its_cases_without_notes(service, case):
    api = service_api(service)
    response = api.get(f"/api/v1/services/{service.pk}/cases")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert (item["reference"], item["status"], item["schools"]) == (
        case.reference, Case.objects.get().status, ["Kauri Test College"],
    )  # fmt: skip
    assert NOTE not in response.content.decode()
    assert "summary" not in item and "notes" not in item
    assert AuditEvent.objects.filter(object_type="cases", organisation=service).count() == 1
    filtered = api.get(f"/api/v1/services/{service.pk}/cases", {"status": "closed"})
    assert filtered.json()["count"] == 0


def test_other_tokens_get_404_for_the_services_cases(service, case, api):
    other = Organisation.objects.create(name="Harbour Attendance Service", kind="service")
    for client in (service_api(other), api):  # another service's token; a school's token
        response = client.get(f"/api/v1/services/{service.pk}/cases")
        assert response.status_code == 404
        assert response.json() == {"detail": "No such service", "errors": []}
    school_org = api.get("/api/v1/schools").json()
    assert NOTE not in str(school_org)
