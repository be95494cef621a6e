"""A read whose session ended while it ran (signed out in another request) still answers."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.http import HttpResponse
from django.test import RequestFactory

from stepwise.accounts.sessions import SessionMiddleware


def _request(method: str):
    session = SessionStore()
    session["user"] = "someone"
    session.save()
    request = getattr(RequestFactory(), method.lower())("/cases/1/referral/")
    request.session = session
    # Signing out in another request deletes the session while this one runs.
    SessionStore(session_key=session.session_key).delete()
    return request


@pytest.mark.django_db
def test_a_read_answers_when_its_session_was_deleted_meanwhile():
    response = SessionMiddleware(lambda r: HttpResponse("checklist")).process_response(
        _request("GET"), HttpResponse("checklist")
    )
    assert response.status_code == 200 and response.content == b"checklist"
    assert "sessionid" not in response.cookies  # no session is brought back to life
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_a_write_still_fails_when_its_session_was_deleted_meanwhile():
    with pytest.raises(SessionInterrupted):
        SessionMiddleware(lambda r: HttpResponse()).process_response(
            _request("POST"), HttpResponse()
        )
