"""The menu: school staff find their referrals, a service's members their inbox."""


def test_school_staff_see_their_referrals(login, officer, service):
    html = login(officer).get("/schools/NZ-0427/referrals/").content.decode()
    assert 'href="/schools/NZ-0427/referrals/" aria-current="true"' in html
    assert "Referrals inbox" not in html


def test_service_members_see_their_inbox(login, manager, service):
    html = login(manager).get(f"/services/{service.pk}/referrals/").content.decode()
    assert f'href="/services/{service.pk}/referrals/" aria-current="true"' in html
    assert "Standings" not in html


def test_a_service_manager_starts_at_the_inbox(login, manager, service):
    response = login(manager).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/services/{service.pk}/referrals/"
