"""The dashboard pages are the school's: its officers, leaders and admins see them; anyone else 404.

`outsider` leads Tōtara School (NZ-2999); Rimu College (NZ-2001) is not theirs.
"""

import pytest

from stepwise.audit.models import AuditEvent

from .conftest import sign_in

URLS = [
    "/schools/NZ-2001/early-warning/",
    "/schools/NZ-2001/dashboard/",
    "/schools/NZ-2001/dashboard/targets/",
    "/schools/NZ-2001/dashboard/ministry-export/",
    "/schools/NZ-2001/dashboard/ministry-export/?from=2026-10-12&to=2026-11-20",
]


@pytest.mark.parametrize("url", URLS)
def test_it_validates_ownership(client, outsider, school, url):
    sign_in(client, outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"target-2026T4": "90"}).status_code in (404, 405)
    assert not AuditEvent.objects.filter(organisation=school.organisation).exists()


@pytest.mark.parametrize("url", URLS)
def test_it_asks_a_stranger_to_sign_in(client, school, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_outsider_sees_their_own_school(client, outsider):
    sign_in(client, outsider)
    assert client.get("/schools/NZ-2999/dashboard/").status_code == 200
    assert client.get("/schools/NZ-2999/early-warning/").status_code == 200


def test_the_navigation_leads_to_both_pages(leader_client):
    html = leader_client.get("/schools/NZ-2001/dashboard/").content.decode()
    assert (
        '<a class="govuk-service-navigation__link" href="/schools/NZ-2001/early-warning/">' in html
    )
    assert 'href="/schools/NZ-2001/dashboard/" aria-current="true"' in html
