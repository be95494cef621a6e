"""Each school's staff see only their own school: anything else is 404, never 403.

`outsider` works at Tōtara School (NZ-0999); Kōwhai College (NZ-0427) is not theirs.
"""

import pytest

from stepwise.audit.models import AuditEvent


@pytest.mark.parametrize(
    "url",
    [
        "/schools/NZ-0427/",
        "/schools/NZ-0427/terms/2026T4/",
        "/schools/NZ-0427/students/100000001/",
        "/schools/NZ-0427/students/100000001/?term=2026T4",
    ],
)
def test_it_validates_ownership(outsider_client, school, url):
    assert outsider_client.get(url).status_code == 404


def test_another_schools_student_is_not_found_through_your_own_school(outsider_client, school):
    response = outsider_client.get("/schools/NZ-0999/students/100000001/?term=2026T4")
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_the_outsider_still_sees_their_own_school(outsider_client, school):
    assert outsider_client.get("/schools/NZ-0999/terms/2026T4/").status_code == 200
    assert (
        outsider_client.get("/schools/NZ-0999/students/200000001/?term=2026T4").status_code == 200
    )


def test_a_school_that_does_not_exist_is_not_found(officer_client):
    assert officer_client.get("/schools/NOPE/terms/2026T4/").status_code == 404


@pytest.mark.parametrize("key", ["2031T1", "2026T9", "T4", "2026-4", "latest"])
def test_a_term_the_school_does_not_have_is_not_found(officer_client, key):
    assert officer_client.get(f"/schools/NZ-0427/terms/{key}/").status_code == 404
    assert officer_client.get(f"/schools/NZ-0427/students/100000001/?term={key}").status_code == 404
