from django.http import HttpRequest

from stepwise.accounts.models import Organisation

from .models import AuditEvent


def audit_record(
    *,
    request: HttpRequest,
    organisation: Organisation | None,
    action: str,
    object_type: str,
    object_id: object,
    detail: str = "",
) -> AuditEvent:
    """Record one audited access by the signed-in user, on behalf of their organisation."""
    return AuditEvent.objects.create(
        user=request.user if request.user.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
        ip_address=request.META.get("REMOTE_ADDR"),
    )
