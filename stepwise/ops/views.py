"""What operations need of the web app: a page for server errors, a health check."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponseServerError, JsonResponse
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """Say the service failed, with the request's id so its log lines can be found."""
    request_id = getattr(request, "request_id", "")
    return HttpResponseServerError(
        loader.get_template("500.html").render({"request_id": request_id})
    )


def health(request: HttpRequest) -> JsonResponse:
    """Answer a load balancer: 200 when this process reaches its database and cache, else 503.

    Public by design (a load balancer does not sign in), so it says nothing but "ok" or
    which dependency failed.
    """
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    answer = {name: "ok" if passed else "failed" for name, passed in checks.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **answer}, status=200 if healthy else 503
    )


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_answers() -> bool:
    try:
        cache.set("health", 1, 10)
        return cache.get("health") == 1
    except Exception:  # any backend's failure means the same: unavailable
        return False
