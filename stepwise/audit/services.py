from django.http import HttpRequest

from .models import AuditEvent


def audit_record(
    *, request: HttpRequest, action: str, object_type: str, object_id: object, detail: str = ""
) -> AuditEvent:
    """Record one audited access by the signed-in user."""
    organisation = getattr(request, "organisation", None)
    return AuditEvent.objects.create(
        user=request.user if request.user.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
        ip_address=request.META.get("REMOTE_ADDR"),
    )
