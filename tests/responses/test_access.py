"""require_school_role: a school's staff may do what their role allows there, and no more."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from stepwise.accounts.access import has_school_role, require_school_role
from stepwise.accounts.models import Membership

from .conftest import add_user

R = Membership.Role
ADMINS = (R.SCHOOL_ADMIN, R.ORG_ADMIN)


# (the user's fixture, whether they may manage the school's Descriptions)
@pytest.mark.parametrize(
    ("who", "allowed"),
    [("admin", True), ("org_admin", True), ("officer", False), ("leader", False)],
)
def test_it_checks_the_role_at_the_school(request, school, who, allowed):
    user = request.getfixturevalue(who)
    assert has_school_role(user, school, ADMINS) is allowed
    if allowed:
        require_school_role(user, school, ADMINS)
    else:
        with pytest.raises(PermissionDenied):
            require_school_role(user, school, ADMINS)


def test_a_role_at_another_school_does_not_count(school, other_school):
    theirs = add_user("theirs", other_school, R.SCHOOL_ADMIN)
    assert not has_school_role(theirs, school, ADMINS)
    assert has_school_role(theirs, other_school, ADMINS)


def test_nobody_signed_in_has_no_role(school):
    assert not has_school_role(AnonymousUser(), school, ADMINS)
    with pytest.raises(PermissionDenied):
        require_school_role(AnonymousUser(), school, ADMINS)


def test_one_user_may_hold_two_roles(school, leader):
    Membership.objects.create(user=leader, organisation=school.organisation, role=R.SCHOOL_ADMIN)
    assert has_school_role(leader, school, ADMINS)
