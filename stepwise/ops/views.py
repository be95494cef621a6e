"""The page a server error shows: with the request's id, so the log line can be found."""

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponseServerError:
    request_id = getattr(request, "request_id", "")
    return HttpResponseServerError(
        loader.get_template("500.html").render({"request_id": request_id})
    )
