"""StudentSchoolAttendanceEvents as Ed-Fi resources: kept, read, replaced and deleted by id.

An event is stored by its natural key (student, school, term, date, category); its marks
come from every stored event of the student's day together, by `formats.precedence`.
So a POST, a PUT and a DELETE each change the stored events, then import the marks of
the days they touched, all in one transaction: what the client sees by id is what the
register holds. A session that no stored event gives any more keeps its mark: Stepwise
never takes a mark back out of the register (the original entry must survive).
"""

import json
import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from stepwise.schools.models import School

from .formats import EdFiEvent, FieldError, FormatRejected, parse_edfi_events
from .models import ApiToken, EdFiAttendanceEvent
from .pushes import Pushed, push_edfi

# What Ed-Fi adds to a resource it gives out: never stored as part of the body.
SERVER_FIELDS = ("id", "_etag", "_lastModifiedDate")

NaturalKey = tuple[str, date, str, int, str]


class KeyChanged(Exception):
    """A PUT tried to change a field of the event's natural key."""


def _without_nul(events: list[EdFiEvent]) -> None:
    """Refuse a key field holding a NUL byte, which PostgreSQL's text cannot hold."""
    errors = [
        FieldError("holds a NUL byte", f"[{e.index}].{name}", e.index)
        for e in events
        for name, value in (
            ("studentReference.studentUniqueId", e.student_id),
            ("attendanceEventCategoryDescriptor", e.descriptor),
            ("sessionReference.sessionName", e.session_name),
        )
        if "\x00" in value
    ]
    if errors:
        raise FormatRejected(errors, f"nothing was imported: {len(errors)} problems")


def _key(event: EdFiEvent) -> NaturalKey:
    day = date.fromisoformat(event.event_date)
    return (event.student_id, day, event.descriptor, event.school_year, event.session_name)


def _stored_key(row: EdFiAttendanceEvent) -> NaturalKey:
    return (row.student_unique_id, row.event_date, row.descriptor, row.school_year,
            row.session_name)  # fmt: skip


def _bodies(data: bytes) -> list[dict[str, Any]]:
    body = json.loads(data.decode("utf-8-sig"))  # parse_edfi_events has read it already
    items = body if isinstance(body, list) else [body]
    return [{k: v for k, v in item.items() if k not in SERVER_FIELDS} for item in items]


def _same_days(school: School, keys: list[NaturalKey]):
    days = {(k[0], k[1]) for k in keys}
    found = EdFiAttendanceEvent.objects.filter(
        school=school,
        student_unique_id__in={s for s, _ in days},
        event_date__in={d for _, d in days},
    )
    return [row for row in found if (row.student_unique_id, row.event_date) in days]


def _import(school: School, token: ApiToken, sent: list[dict], kept: list[EdFiAttendanceEvent]):
    """Import the marks of `sent` events with the `kept` ones of the same days.

    A problem with a kept event (its term gone, say) is named by its id.
    """
    data = json.dumps([*sent, *(row.body for row in kept)]).encode()
    try:
        return push_edfi(school=school, token=token, data=data)
    except FormatRejected as e:
        named = []
        for error in e.errors:
            if error.row is not None and error.row >= len(sent):
                row = kept[error.row - len(sent)]
                where = error.field.split("]", 1)[-1].lstrip(".")
                error = FieldError(f"{error.message} (stored event {row.resource_id})", where)
            named.append(error)
        raise FormatRejected(named, e.detail) from None


def events_post(*, school: School, token: ApiToken, data: bytes) -> tuple[Pushed, list[str], bool]:
    """Store and import posted events, upserting by natural key.

    Returns the import, the events' ids in the order sent, and whether any was new.
    """
    number = int(school.school_number) if school.school_number.isdigit() else None
    events = parse_edfi_events(data, school_number=number)
    _without_nul(events)
    bodies = _bodies(data)
    keys = [_key(e) for e in events]
    with transaction.atomic():
        kept = [row for row in _same_days(school, keys) if _stored_key(row) not in keys]
        pushed = _import(school, token, bodies, kept)
        now = timezone.now()
        stored = {_stored_key(r): r for r in _same_days(school, keys) if _stored_key(r) in keys}
        created = False
        for key, body in zip(keys, bodies, strict=True):  # a later one of a key wins
            row = stored.get(key)
            if row is None:
                created = True
                row = stored[key] = EdFiAttendanceEvent(
                    resource_id=uuid.uuid4().hex, school=school, student_unique_id=key[0],
                    event_date=key[1], descriptor=key[2], school_year=key[3],
                    session_name=key[4], body=body, last_modified=now,
                )  # fmt: skip
            row.body, row.last_modified = body, now
            row.save()
    return pushed, [stored[k].resource_id for k in keys], created


def event_put(*, row: EdFiAttendanceEvent, token: ApiToken, data: bytes) -> Pushed:
    """Replace a stored event; raise KeyChanged if its natural key would change."""
    school = row.school
    number = int(school.school_number) if school.school_number.isdigit() else None
    events = parse_edfi_events(data, school_number=number)
    _without_nul(events)
    if len(events) != 1 or not data.lstrip().startswith(b"{"):
        raise FormatRejected([FieldError("send the one event as an object", "$")])
    (body,) = _bodies(data)
    sent_id = json.loads(data).get("id")
    if sent_id is not None and sent_id != row.resource_id:
        raise FormatRejected([FieldError("is not the id in the address", "id")])
    if _key(events[0]) != _stored_key(row) or events[0].school_id != number:
        raise KeyChanged
    with transaction.atomic():
        kept = [r for r in _same_days(school, [_stored_key(row)]) if r.pk != row.pk]
        pushed = _import(school, token, [body], kept)
        row.body, row.last_modified = body, timezone.now()
        row.save()
    return pushed


def event_delete(*, row: EdFiAttendanceEvent, token: ApiToken) -> Pushed | None:
    """Delete a stored event and import the marks the rest of its day's events give."""
    with transaction.atomic():
        kept = [r for r in _same_days(row.school, [_stored_key(row)]) if r.pk != row.pk]
        row.delete()
        if not kept:
            return None
        return _import(row.school, token, [], kept)


def resource(row: EdFiAttendanceEvent) -> dict[str, Any]:
    """Return a stored event as Ed-Fi gives a resource: its body with id, etag and date."""
    stamp = row.last_modified
    return {
        "id": row.resource_id,
        **row.body,
        "_etag": str(int(stamp.timestamp() * 1_000_000)),
        "_lastModifiedDate": stamp.isoformat().replace("+00:00", "Z"),
    }
