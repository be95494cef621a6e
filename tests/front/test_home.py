"""The home page: an officer to the day's work, others to the standings; several schools listed."""

from stepwise.accounts.models import Membership
from stepwise.standings.selectors import current_term


def test_an_officer_of_one_school_goes_straight_to_the_days_work(officer_client, school):
    response = officer_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/schools/NZ-0427/queue/"


def test_a_leader_of_one_school_goes_straight_to_its_current_term(client, officer, school):
    officer.memberships.update(role=Membership.Role.SCHOOL_LEADER)
    client.force_login(officer)
    response = client.get("/")
    term = current_term(school)
    assert response.status_code == 302
    assert response["Location"] == f"/schools/NZ-0427/terms/{term.key}/"


def test_several_schools_are_listed(officer_client, officer, other_school):
    Membership.objects.create(
        user=officer, organisation=other_school.organisation, role=Membership.Role.SCHOOL_LEADER
    )
    response = officer_client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kōwhai College" in html
    assert "Tōtara School" in html
    assert f"/schools/NZ-0999/terms/{current_term(other_school).key}/" in html


def test_a_user_without_a_school_is_told_so(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_user("newcomer"))
    response = client.get("/")
    assert response.status_code == 200
    assert "You are not a member of any school yet" in response.content.decode()


def test_the_school_address_goes_to_its_current_term(officer_client, school):
    response = officer_client.get("/schools/NZ-0427/")
    assert response.status_code == 302
    assert response["Location"] == f"/schools/NZ-0427/terms/{current_term(school).key}/"
