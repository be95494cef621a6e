"""Memberships and roles: who belongs to which organisation, and what their role lets them do.

Each kind of record is looked up for a user beside its model (schools/access.py,
referrals/access.py, cases/access.py, readiness/access.py), through the memberships and
role checks here. Anything a user may not see answers 404, so a URL never reveals
whether an object exists.
"""

from collections.abc import Iterable
from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .models import Membership, Organisation

SCHOOL_ROLES = (
    Membership.Role.ATTENDANCE_OFFICER,
    Membership.Role.SCHOOL_LEADER,
    Membership.Role.SCHOOL_ADMIN,
    Membership.Role.ORG_ADMIN,
)

User = AbstractBaseUser | AnonymousUser


def memberships_for_request(
    request: HttpRequest,
) -> list[tuple[str, int, str, str, str | None]]:
    """Return the signed-in user's memberships: (role, organisation id, kind, name, school code).

    The school code is that of the organisation's school, None for other organisations.
    In the database's order of school codes, then of organisation names. Read once per
    request: the two-factor middleware and the menu need them on every page.
    """
    found = getattr(request, "_stepwise_memberships", None)
    if found is None:
        user = request.user
        found = (
            list(
                Membership.objects.filter(user_id=user.pk)
                .order_by("organisation__school__code", "organisation__name", "organisation_id")
                .values_list(
                    "role",
                    "organisation_id",
                    "organisation__kind",
                    "organisation__name",
                    "organisation__school__code",
                )
            )
            if user.is_authenticated
            else []
        )
        request._stepwise_memberships = found  # type: ignore[attr-defined]
    return found


# An attendance service's members see the referrals made to their service (and, with
# its cases); a referral is also visible to the referring school's staff.
SERVICE_ROLES = (
    Membership.Role.CASEWORKER,
    Membership.Role.SERVICE_MANAGER,
)


def services_for_user(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.SERVICE,
        memberships__user_id=user.pk,
        memberships__role__in=SERVICE_ROLES,
    ).distinct()


def get_service_for_user(user: User, org_id: int) -> Organisation:
    service = services_for_user(user).filter(pk=org_id).first()
    if service is None:
        raise Http404("No such service")
    return service


class InOrganisation(Protocol):
    """A record run by one organisation: a school, say."""

    organisation_id: int


def has_school_role(user: User, school: InOrganisation, roles: Iterable[str]) -> bool:
    """Return whether the user holds one of the roles in the school's organisation."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk,
        organisation_id=school.organisation_id,
        role__in=list(roles),
    ).exists()


def require_school_role(user: User, school: InOrganisation, roles: Iterable[str]) -> None:
    """Raise PermissionDenied unless the user holds one of the roles at the school.

    Look the school up with get_school_for_user first: a user who may not see the
    school at all gets 404 there; one who may see it but not do this gets 403 here.
    """
    if not has_school_role(user, school, roles):
        raise PermissionDenied("Your role at this school does not allow this")


# Organisation admins manage their own organisation: its audit log, its users.
ADMIN_ROLES = (Membership.Role.ORG_ADMIN, Membership.Role.SCHOOL_ADMIN)


def get_admin_organisation_for_user(user: User, org_id: int) -> Organisation:
    """Return an organisation the user administers, or raise Http404."""
    if not user.is_authenticated:
        raise Http404("No such organisation")
    organisation = Organisation.objects.filter(
        pk=org_id, memberships__user_id=user.pk, memberships__role__in=ADMIN_ROLES
    ).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


# An organisation's audit log is read by its admins and, at an attendance service,
# by its managers: every organisation, a prosecutions team too, has someone to read it.
def reads_audit_log(role: str, kind: str) -> bool:
    """Return whether a membership with this role, in this kind of organisation, reads its log."""
    return role in ADMIN_ROLES or (
        role == Membership.Role.SERVICE_MANAGER and kind == Organisation.Kind.SERVICE
    )


def get_audited_organisation_for_user(user: User, org_id: int) -> Organisation:
    """Return an organisation whose audit log the user reads, or raise Http404."""
    if not user.is_authenticated:
        raise Http404("No such organisation")
    found = (
        Membership.objects.filter(user_id=user.pk, organisation_id=org_id)
        .select_related("organisation")
        .order_by("pk")
    )
    for membership in found:
        if reads_audit_log(membership.role, membership.organisation.kind):
            return membership.organisation
    raise Http404("No such organisation")


def is_service_manager(user: User, service: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk, organisation=service, role=Membership.Role.SERVICE_MANAGER
    ).exists()


def manages_service(request: HttpRequest, service: Organisation) -> bool:
    """Return is_service_manager(request.user, service), from the request's one read of
    the user's memberships (the menu reads them on every page)."""
    return any(
        role == Membership.Role.SERVICE_MANAGER and org == service.pk
        for role, org, *_ in memberships_for_request(request)
    )


def require_service_manager(user: User, service: Organisation) -> None:
    """Raise PermissionDenied unless the user manages the service (look it up first)."""
    if not is_service_manager(user, service):
        raise PermissionDenied("Only the service's managers may do this")


# A prosecutions team (NZ) or local authority (England) sees the cases referred to it,
# and nothing else: no other case, no school, no student.
def teams_for_user(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.PROSECUTIONS,
        memberships__user_id=user.pk,
        memberships__role=Membership.Role.PROSECUTIONS_OFFICER,
    ).distinct()


def get_team_for_user(user: User, org_id: int) -> Organisation:
    team = teams_for_user(user).filter(pk=org_id).first()
    if team is None:
        raise Http404("No such team")
    return team


# Whoever administers the installation adds and changes every organisation, and sees
# its people; never a child's record (they hold no role at any school or service).
def is_installation_admin(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk,
        role=Membership.Role.ORG_ADMIN,
        organisation__kind=Organisation.Kind.INSTALLATION,
    ).exists()


def require_installation_admin(user: User) -> None:
    """Raise Http404 unless the user administers the installation: the pages are not theirs."""
    if not is_installation_admin(user):
        raise Http404("No such page")


def get_organisation_for_installation_admin(user: User, org_id: int) -> Organisation:
    """Return any organisation but the installation's own, to its administrator, or 404."""
    require_installation_admin(user)
    found = Organisation.objects.exclude(kind=Organisation.Kind.INSTALLATION).filter(pk=org_id)
    organisation = found.select_related("school").first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


def get_people_organisation_for_user(user: User, org_id: int) -> Organisation:
    """Return an organisation whose people the user manages: one they administer, or any
    to the installation's administrator (who invites each organisation's first admin)."""
    if is_installation_admin(user):
        organisation = Organisation.objects.filter(pk=org_id).first()
        if organisation is not None:
            return organisation
    return get_admin_organisation_for_user(user, org_id)
