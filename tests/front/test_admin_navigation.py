"""Organisation admins find their audit log and API tokens in the menu; others do not."""

import pytest
from django.urls import reverse

from stepwise.accounts.models import Membership
from tests.referrals.conftest import add_member


@pytest.fixture
def admin_user(school):
    return add_member("schooladmin", school.organisation, Membership.Role.SCHOOL_ADMIN)


def test_a_school_admin_finds_the_audit_log_and_api_tokens(login, school, admin_user):
    html = login(admin_user).get(reverse("audit_log", args=[school.organisation_id])).content
    page = html.decode()
    assert (
        f'href="{reverse("audit_log", args=[school.organisation_id])}" aria-current="true"' in page
    )
    assert f'href="{reverse("api_tokens", args=[school.organisation_id])}"' in page


def test_an_officer_sees_no_admin_pages_in_the_menu(login, school, officer):
    page = login(officer).get(reverse("queue", args=[school.code])).content.decode()
    assert "Audit log" not in page and "API tokens" not in page
