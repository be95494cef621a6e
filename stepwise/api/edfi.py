"""What an Ed-Fi client expects around the resources: a token by OAuth client credentials,
and errors as Ed-Fi's problem details (RFC 9457 with `validationErrors` by JSON path)."""

import json
from typing import Any

from .formats import FieldError

TOKEN_LIFETIME = 3600  # seconds a client may use an access token before asking again
PROBLEM_TYPE = "application/problem+json"
VALIDATION = "bad-request:data-validation-failed"
ACCESS_DENIED = "security:authorization:access-denied"
NOT_FOUND = "not-found"
KEY_CHANGE = "bad-request:key-change-not-supported"
TITLES = {
    VALIDATION: "Data Validation Failed",
    ACCESS_DENIED: "Authorization Denied",
    NOT_FOUND: "Resource Not Found",
    KEY_CHANGE: "Key Change Not Supported",
}


def json_path(field: str, single: bool) -> str:
    """Return an error's field as Ed-Fi names it: "$.eventDate" ("$[2].eventDate" in an array)."""
    if single and field.startswith("[0]"):
        field = field[3:].lstrip(".")
    if not field:
        return "$"
    return "$" + (field if field.startswith("[") else "." + field)


def problem(status: int, kind: str, detail: str, errors: list[FieldError], single: bool):
    validation: dict[str, list[str]] = {}
    for e in errors:
        validation.setdefault(json_path(e.field, single), []).append(e.message)
    body: dict[str, Any] = {
        "detail": detail,
        "type": f"urn:ed-fi:api:{kind}",
        "title": TITLES[kind],
        "status": status,
        "validationErrors": validation,
        "errors": [e.as_dict() for e in errors],
    }
    return body


def school_numbers(data: bytes) -> set[object]:
    """Return the schoolReference.schoolId values a body's events name (nothing if unreadable)."""
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return set()
    items = [body] if isinstance(body, dict) else body if isinstance(body, list) else []
    found: set[object] = set()
    for item in items:
        reference = item.get("schoolReference") if isinstance(item, dict) else None
        if isinstance(reference, dict):
            value = reference.get("schoolId")
            found.add(value if isinstance(value, int | str) else repr(value))
    return found
