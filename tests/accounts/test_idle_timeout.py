"""The idle timeout slides with every request, to the minute, without a write on every read.

Each test signs an attendance officer in (no second factor), sets how long ago the
session row was last written (by setting its stored expiry), makes a request and
reads the row again.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from stepwise.accounts.models import Membership
from stepwise.accounts.sessions import EXPIRY_SLACK, SessionMiddleware, SessionStore
from stepwise.onboarding.organisations import school_setup
from tests.conftest import TODAY

IDLE = timedelta(seconds=settings.SESSION_COOKIE_AGE)


@pytest.fixture
def signed_in(client, db):
    school = school_setup(code="S", name="School", pack="nz", today=TODAY)
    officer = get_user_model().objects.create_user("officer")
    Membership.objects.create(
        user=officer, organisation=school.organisation, role=Membership.Role.ATTENDANCE_OFFICER
    )
    client.force_login(officer)
    return client


def _last_written(client, ago: timedelta) -> None:
    """Make the session's row look as if it was last written `ago`."""
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + IDLE - ago)


def _expiry(client):
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_a_read_within_a_minute_of_the_last_write_writes_nothing(signed_in):
    _last_written(signed_in, timedelta(seconds=20))
    before = _expiry(signed_in)
    response = signed_in.get("/")
    assert response.status_code in (200, 302)
    assert _expiry(signed_in) == before
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Cookie" in response["Vary"]


def test_a_read_more_than_a_minute_later_slides_the_timeout(signed_in):
    _last_written(signed_in, EXPIRY_SLACK + timedelta(seconds=5))
    response = signed_in.get("/")
    left = _expiry(signed_in) - timezone.now()
    assert IDLE - timedelta(seconds=5) < left <= IDLE
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_session_idle_for_the_timeout_has_ended(signed_in):
    _last_written(signed_in, IDLE + timedelta(seconds=1))
    response = signed_in.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_session_ends_at_most_a_minute_early(signed_in):
    # Requests every 50 s never write the row; the last one leaves at least 29 minutes.
    _last_written(signed_in, EXPIRY_SLACK - timedelta(seconds=10))
    signed_in.get("/")
    assert _expiry(signed_in) - timezone.now() >= IDLE - EXPIRY_SLACK


def test_a_write_saves_the_session_whenever_it_comes(signed_in):
    # A form posted 20 s after the last write: Django's rule, the row is written.
    _last_written(signed_in, timedelta(seconds=20))
    request = RequestFactory().post("/")
    request.session = SessionStore(signed_in.cookies[settings.SESSION_COOKIE_NAME].value)
    request.session.load()
    SessionMiddleware(lambda r: HttpResponse()).process_response(request, HttpResponse())
    assert _expiry(signed_in) - timezone.now() > IDLE - timedelta(seconds=5)


def test_a_read_that_changed_the_session_saves_it(signed_in):
    _last_written(signed_in, timedelta(seconds=20))
    request = RequestFactory().get("/")
    request.session = SessionStore(signed_in.cookies[settings.SESSION_COOKIE_NAME].value)
    request.session["seen"] = True
    SessionMiddleware(lambda r: HttpResponse()).process_response(request, HttpResponse())
    assert SessionStore(request.session.session_key).load()["seen"] is True
