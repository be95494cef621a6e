"""Sessions that let a read finish when the user signed out while it ran.

Every request saves the session (the idle timeout slides), so a page's background
request that is still running when the user signs out would fail on saving a session
that no longer exists. A read changed nothing and was allowed when it began: answer
it. A write still fails, as Django intends.
"""

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

READS = ("GET", "HEAD")


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            if request.method not in READS:
                raise
            patch_vary_headers(response, ("Cookie",))
            return response
