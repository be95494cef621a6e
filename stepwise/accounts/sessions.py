"""Sessions: an idle timeout that slides without a write on every read.

A session ends SESSION_COOKIE_AGE after the user's last request (settings), so every
request moves its expiry. Writing the session row for a move of a few seconds cost
a transaction on every page: a read writes it only when the stored expiry is more
than EXPIRY_SLACK behind where this request would put it. A session therefore ends
between SESSION_COOKIE_AGE - EXPIRY_SLACK and SESSION_COOKIE_AGE after the last
request: a little early at worst, never late. A write, or a read that changed the
session, saves it as Django does.

A page's background request may still be running when the user signs out in
another: its save would fail on a session that no longer exists. A read changed
nothing and was allowed when it began: answer it. A write still fails, as Django intends.

SESSION_ENGINE names this module: SessionStore is Django's database store that
remembers the expiry it read.
"""

from datetime import datetime, timedelta

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

READS = ("GET", "HEAD")
EXPIRY_SLACK = timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    """Django's database session store, remembering the expiry of the row it read."""

    stored_expiry: datetime | None = None

    def _get_session_from_db(self):
        found = super()._get_session_from_db()  # type: ignore[misc]  # not in Django's stubs
        self.stored_expiry = found.expire_date if found is not None else None
        return found

    def expiry_is_fresh(self) -> bool:
        """Return whether saving now would change nothing but move the expiry under a minute."""
        return (
            self.stored_expiry is not None
            and not self.modified
            and self.stored_expiry >= self.get_expiry_date() - EXPIRY_SLACK
        )


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            request.method in READS
            and isinstance(session, SessionStore)
            and session.expiry_is_fresh()
        ):
            # The row and the cookie keep the expiry they have; it was read, so vary on it.
            patch_vary_headers(response, ("Cookie",))
            return response
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            if request.method not in READS:
                raise
            patch_vary_headers(response, ("Cookie",))
            return response
