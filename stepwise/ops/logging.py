"""Structured logs: one JSON object a line on standard output, with no child's data in it.

Every line carries the request it belongs to (its id, the user's id and organisations),
so an error can be followed across web processes. What a log line may hold is decided
here, not by whoever writes a message:

- a request's path without its query string (searches hold names);
- an exception's type and where it was raised, never its message, which can quote the
  row that failed ("Key (family_name)=(Ngata) ...") or a template's context.
"""

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

# The request being answered, for the fields its log lines carry; None outside a request.
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)

# A proxy's request id is kept when it looks like one; anything else is replaced.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_log = logging.getLogger("stepwise.request")


def redacted_traceback(error: BaseException) -> str:
    """Return the traceback of an error and its causes, each exception by type alone."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        stack = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{stack}{kind.__module__}.{kind.__qualname__} (message withheld)\n")
        current = current.__cause__ or current.__context__
    return "\nwhich happened while handling:\n".join(reversed(parts))


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
        }
        entry.update(request_fields())
        for field in ("status", "method", "duration_ms"):
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = type(record.exc_info[1]).__qualname__
            entry["traceback"] = redacted_traceback(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Format a record as one readable line for a terminal, with the same redaction."""

    def format(self, record: logging.LogRecord) -> str:
        request = current_request.get()
        where = f" [{request.request_id}]" if request is not None else ""  # type: ignore[attr-defined]
        line = f"{record.levelname} {record.name}{where}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            line += "\n" + redacted_traceback(record.exc_info[1])
        return line


def request_fields() -> dict[str, object]:
    """Return the current request's id and path, and who made it if that is known already.

    Only what the request has read already is used (the user, their memberships): a log
    line must not cost a query, nor fail because the database did.
    """
    request = current_request.get()
    if request is None:
        return {}
    fields: dict[str, object] = {
        "request_id": request.request_id,  # type: ignore[attr-defined]
        "path": request.path,
    }
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        fields["user_id"] = user.pk
    memberships = getattr(request, "_stepwise_memberships", None)
    if memberships:
        fields["organisations"] = sorted({organisation for _, organisation, *_ in memberships})
    return fields


class RequestLogMiddleware:
    """Give each request an id, carry it on every log line, and log the request once done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "method": request.method,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            current_request.reset(token)
