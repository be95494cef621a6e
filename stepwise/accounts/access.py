"""Who may see what: every view, export and endpoint looks objects up through here.

A school's staff see the school and the students enrolled there now or before.
Anything else answers 404, so a URL never reveals whether an object exists.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from stepwise.cases.models import Case
from stepwise.readiness.models import ProsecutionReferral
from stepwise.referrals.models import Referral
from stepwise.schools.models import School, Student

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


def schools_for_user(user: User) -> QuerySet[School]:
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(
        organisation__memberships__user_id=user.pk,
        organisation__memberships__role__in=SCHOOL_ROLES,
    ).distinct()


def get_school_for_user(user: User, code: str) -> School:
    school = schools_for_user(user).filter(code=code).first()
    if school is None:
        raise Http404("No such school")
    return school


def get_student_for_user(user: User, school: School, national_id: str) -> Student:
    """Return the school's own record of a student, at a school the user may see, or 404."""
    student = Student.objects.filter(school=school, national_id=national_id).first()
    if student is None:
        raise Http404("No such student")
    return student


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


def get_referral_for_user(user: User, pk: int) -> Referral:
    """Return a referral the user's school made or the user's service received, or 404."""
    referral = (
        Referral.objects.filter(pk=pk)
        .filter(Q(school__in=schools_for_user(user)) | Q(service__in=services_for_user(user)))
        .select_related("school", "student", "service", "referred_by")
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    return referral


def can_refer(user: User, school: School) -> bool:
    """Return whether the user may refer the school's students to an attendance service."""
    return has_school_role(user, school, [Membership.Role.ATTENDANCE_OFFICER])


def has_school_role(user: User, school: School, roles: Iterable[str]) -> bool:
    """Return whether the user holds one of the roles in the school's organisation."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk,
        organisation_id=school.organisation_id,
        role__in=list(roles),
    ).exists()


def require_school_role(user: User, school: School, roles: Iterable[str]) -> None:
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


# A service's cases are seen by its caseworkers (their own and the team's) and its
# managers; only managers decide referrals, reassign cases and import transfers.
def cases_for_user(user: User) -> QuerySet[Case]:
    return Case.objects.filter(service__in=services_for_user(user))


def get_case_for_user(user: User, pk: int) -> Case:
    """Return a case of the user's attendance service, or raise Http404.

    With its service, caseworker and Stepwise student: the case page's certificates,
    the letters and the referral checklist read them.
    """
    case = (
        cases_for_user(user)
        .filter(pk=pk)
        .select_related("service", "assigned_to", "student")
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


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


def get_team_referral_for_user(user: User, pk: int) -> ProsecutionReferral:
    """Return a referral made to one of the user's teams, or raise Http404."""
    found = (
        ProsecutionReferral.objects.filter(pk=pk, team__in=teams_for_user(user))
        .select_related("case", "case__service", "team", "made_by")
        .first()
    )
    if found is None:
        raise Http404("No such referral")
    return found


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
