"""A service manager accepts, waitlists or declines a school's referral."""

import pytest
from django.urls import reverse

from stepwise.audit.models import AuditEvent
from stepwise.cases.models import Case, LogEntry, Person
from stepwise.referrals.models import Referral


def decide(client, referral, **data):
    return client.post(reverse("referral_decide", args=[referral.pk]), data)


def test_accepting_opens_a_case_with_the_child_and_every_caregiver(
    login, manager, caseworker, referral
):
    client = login(manager)
    response = decide(client, referral, decision="accept", assign_to=caseworker.pk)
    case = Case.objects.get(referral=referral)
    assert response.status_code == 302 and response.url == reverse("case", args=[case.pk])
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED and referral.decided_by == manager
    assert case.assigned_to == caseworker and case.origin == Case.Origin.REFERRAL
    people = {(p.role, p.full_name, p.lives_with_student) for p in case.people.all()}
    assert people == {
        (Person.Role.CHILD, "Aroha Ngata", None),
        (Person.Role.CAREGIVER, "Hine Ngata", True),
        (Person.Role.CAREGIVER, "Rawiri Ngata", False),
    }
    assert [s.name for s in case.schools.all()] == ["Kōwhai College"]
    assert case.log.get().kind == LogEntry.Kind.NOTE
    assert client.get(reverse("case", args=[case.pk])).status_code == 200


def test_a_referral_is_accepted_once(login, manager, referral):
    client = login(manager)
    decide(client, referral, decision="accept")
    response = decide(client, referral, decision="accept")
    assert response.status_code == 400
    assert "already accepted" in response.content.decode()
    assert Case.objects.count() == 1


def test_declining_needs_a_reason_and_leaves_the_referral_as_it_was(login, manager, referral):
    client = login(manager)
    response = decide(client, referral, decision="decline", note="  ")
    assert response.status_code == 400
    assert "Enter why the service is declining the referral" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    decide(client, referral, decision="decline", note="Already supported elsewhere")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert referral.decision_note == "Already supported elsewhere"
    assert not Case.objects.exists()


def test_a_waitlisted_referral_can_still_be_accepted(login, manager, referral):
    client = login(manager)
    decide(client, referral, decision="waitlist")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WAITLISTED
    decide(client, referral, decision="accept")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_a_case_can_only_go_to_the_services_own_caseworkers(
    login, manager, other_caseworker, referral
):
    response = decide(login(manager), referral, decision="accept", assign_to=other_caseworker.pk)
    assert response.status_code == 400
    assert not Case.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("caseworker", 403), ("other_caseworker", 404)])
def test_only_the_services_managers_decide(request, login, referral, who, status):
    user = request.getfixturevalue(who)
    assert decide(login(user), referral, decision="accept").status_code == status
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_opening_a_case_is_audited_when_it_is_read(login, manager, case):
    login(manager).get(reverse("case", args=[case.pk]))
    event = AuditEvent.objects.get(object_type="case", object_id=str(case.pk))
    assert event.user == manager and event.organisation == case.service


def test_accepting_gives_the_caseworker_a_first_contact_task(case, caseworker):
    task = case.tasks.get()
    assert task.title == "First contact with the family" and task.created_by is None
    assert task.assigned_to == caseworker and (task.due_on - case.opened_on).days == 3


def test_a_caseworker_starts_at_their_cases(login, service, caseworker):
    assert login(caseworker).get("/").url == reverse("cases", args=[service.pk])
