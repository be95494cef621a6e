"""Error reporting to Sentry (or a compatible service), with no child's data in a report.

A report keeps the exception's type and stack, as the logs do: not its message, not the
stack's local variables, not the request's body, cookies or query string.
"""

from typing import Any


def scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Strip from a report what may quote a child's record."""
    for exception in event.get("exception", {}).get("values", []):
        exception["value"] = "(message withheld)"
        for frame in exception.get("stacktrace", {}).get("frames", []):
            frame.pop("vars", None)
    request = event.get("request", {})
    for field in ("data", "cookies", "query_string", "headers", "env"):
        request.pop(field, None)
    event.pop("breadcrumbs", None)  # they quote log messages and SQL
    if "logentry" in event:
        event["logentry"] = {"message": "(message withheld)"}
    return event


def sentry_start(dsn: str, *, environment: str) -> None:
    """Send unhandled errors to the service at `dsn`, scrubbed."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
            "frame_context_lines": 0,
        },
        max_request_body_size="never",
        max_breadcrumbs=0,
        before_send=scrub,  # type: ignore[arg-type]  # an Event is a dict of this shape
        traces_sample_rate=0,
    )
