"""A referral is seen by the school that made it and the service that received it: nobody else.

Everyone else gets 404, never 403: a URL does not reveal that a referral exists.
"""

import pytest

from stepwise.audit.models import AuditEvent


@pytest.mark.parametrize("who", ["officer", "leader", "manager", "caseworker"])
def test_the_school_and_the_service_see_the_referral(login, referral, request, who):
    response = login(request.getfixturevalue(who)).get(f"/referrals/{referral.pk}/")
    assert response.status_code == 200
    assert "Aroha Ngata" in response.content.decode()


@pytest.mark.parametrize("who", ["other_caseworker", "outsider"])
def test_it_validates_ownership(login, referral, request, who):
    assert login(request.getfixturevalue(who)).get(f"/referrals/{referral.pk}/").status_code == 404
    assert not AuditEvent.objects.exists()


def test_a_referral_that_does_not_exist_is_not_found(login, manager, referral):
    assert login(manager).get(f"/referrals/{referral.pk + 1}/").status_code == 404


def test_the_inbox_is_only_for_the_services_members(
    login, referral, service, other_service, manager, other_caseworker, officer
):
    inbox = f"/services/{service.pk}/referrals/"
    assert login(manager).get(inbox).status_code == 200
    # Another service's member, the referring school's officer, a service that is not yours.
    assert login(other_caseworker).get(inbox).status_code == 404
    assert login(officer).get(inbox).status_code == 404
    assert login(manager).get(f"/services/{other_service.pk}/referrals/").status_code == 404


def test_a_school_is_not_a_service(login, officer, school, referral):
    assert login(officer).get(f"/services/{school.organisation.pk}/referrals/").status_code == 404


def test_the_schools_list_is_only_for_its_staff(login, referral, officer, outsider, manager):
    assert login(officer).get("/schools/NZ-0427/referrals/").status_code == 200
    assert login(outsider).get("/schools/NZ-0427/referrals/").status_code == 404
    assert login(manager).get("/schools/NZ-0427/referrals/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, referral, service):
    for url in (
        f"/referrals/{referral.pk}/",
        f"/services/{service.pk}/referrals/",
        "/schools/NZ-0427/referrals/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
