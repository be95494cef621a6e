from collections.abc import Iterable

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
    listed: str = "",
) -> AuditEvent:
    """Record one audited access by the signed-in user, on behalf of their organisation."""
    user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
        listed=listed,
        ip_address=request.META.get("REMOTE_ADDR"),
    )


def audit_list(
    *,
    request: HttpRequest,
    organisation: Organisation,
    listing: str,
    owner: object,
    detail: str = "",
    students: Iterable[int] = (),
    cases: Iterable[int] = (),
) -> AuditEvent:
    """Record one view of a list of children: a single entry naming each child it showed.

    `listing` names the page (its URL name), `owner` the school or organisation whose
    list it is; the detail ends with the page's filters, sort and page number.
    Students are named by their Stepwise id, cases (a service's children) by theirs.
    """
    listed = [f"student:{pk}" for pk in dict.fromkeys(students)]
    listed += [f"case:{pk}" for pk in dict.fromkeys(cases)]
    return audit_record(
        request=request,
        organisation=organisation,
        action=AuditEvent.Action.LIST,
        object_type=listing,
        object_id=owner,
        detail=" ".join(part for part in (detail, request.GET.urlencode()) if part),
        listed=" ".join(listed),
    )
