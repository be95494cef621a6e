"""Read an organisation's audit log."""

from datetime import date

from django.db.models import Q, QuerySet

from stepwise.accounts.models import Organisation

from .models import AuditEvent

EXPORT_COLUMNS = (
    "at", "user", "action", "object_type", "object_id", "detail", "listed", "ip_address",
)  # fmt: skip


def naming(kind: str, pk: object) -> Q:
    """Match the entries about one record: its own views and changes, and lists that showed it."""
    return Q(object_type=kind, object_id=str(pk)) | Q(listed__regex=rf"(^| ){kind}:{pk}( |$)")


def audit_events(
    organisation: Organisation,
    *,
    action: str = "",
    object_type: str = "",
    username: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[AuditEvent]:
    """Return the organisation's audit events, newest first, filtered as asked."""
    events = AuditEvent.objects.filter(organisation=organisation)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if username:
        events = events.filter(username=username)
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        events = events.filter(at__date__lte=end)
    return events.order_by("-at", "-id")


def export_row(event: AuditEvent) -> list[str]:
    return [
        event.at.isoformat(),
        event.username,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
        event.listed,
        event.ip_address or "",
    ]
