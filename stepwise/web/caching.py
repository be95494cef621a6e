"""Keep what a signed-in person is shown out of browser and proxy caches.

A page or download about a child, left in a shared computer's cache or a proxy's, is
readable by the next person there. Static files name no one and keep their caching:
WhiteNoise answers them before this middleware is reached.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """Mark every answer to a signed-in person (or an API token) `Cache-Control: no-store`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response
