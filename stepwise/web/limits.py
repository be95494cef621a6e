"""Refuse a request too large for any upload before Django reads its body.

Each upload has its own cap (settings: UPLOAD_*), checked by the page that takes it;
this is the outer wall, so no request can fill the disk or memory on its way there.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from .uploads import size_text


class RequestSizeMiddleware:
    """Answer 413 to a request whose declared body is larger than settings.REQUEST_MAX_BYTES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        cap = settings.REQUEST_MAX_BYTES
        if declared.isdigit() and int(declared) > cap:
            return HttpResponse(
                f"This request is {size_text(int(declared))}: Stepwise accepts at most "
                f"{size_text(cap)} in one request. Nothing was read or changed.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
