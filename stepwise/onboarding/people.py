"""An organisation's people: invitations, roles, memberships ended, two-factor reset.

An organisation's admins (stepwise.accounts.access.ADMIN_ROLES) invite a person by
email with a role. The person gets a one-time, expiring link (stepwise.accounts.enrolment)
where they choose a password and set up an authenticator app. Ending a membership
takes the person out of the organisation at once; someone with no membership left
can no longer sign in and is signed out on their next request (Django refuses an
inactive user's session). Their user row stays, so their name stays on everything
they recorded and in the audit trail. Every change here is in the organisation's
audit log.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.accounts.enrolment import enrolment_link_create
from stepwise.accounts.models import EnrolmentLink, Membership, Organisation
from stepwise.audit.models import AuditEvent

R = Membership.Role
K = Organisation.Kind
# The roles each kind of organisation gives its people; every kind has its admins.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    K.SCHOOL: (R.ATTENDANCE_OFFICER, R.SCHOOL_LEADER, R.SCHOOL_ADMIN, R.ORG_ADMIN),
    K.SERVICE: (R.CASEWORKER, R.SERVICE_MANAGER, R.ORG_ADMIN),
    K.PROSECUTIONS: (R.PROSECUTIONS_OFFICER, R.ORG_ADMIN),
    K.MINISTRY: (R.ANALYST, R.ORG_ADMIN),
    K.INSTALLATION: (R.ORG_ADMIN,),
}
INSTALLATION_NAME = "Installation administrators"


class PeopleError(ValueError):
    """A change to an organisation's people that cannot be made; the message says why."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Invitation:
    user: User
    address: str  # the one-time link; shown once, to whoever sends it
    expires_at: datetime
    emailed: bool  # sent by a configured mail server; otherwise give them the link


def mail_server_configured() -> bool:
    return settings.MAIL_BACKEND == settings.SMTP_BACKEND


def roles_for(organisation: Organisation) -> list[tuple[str, str]]:
    """Return the (role, label) choices a person may hold in the organisation."""
    return [(role, R(role).label) for role in ROLES_BY_KIND[organisation.kind]]


def _audit(organisation: Organisation, by: User | None, user: User, detail: str) -> None:
    AuditEvent.objects.create(
        user=by,
        username=by.get_username() if by is not None else "stepwise command",
        organisation=organisation,
        action=AuditEvent.Action.CHANGE,
        object_type="person",
        object_id=str(user.pk),
        detail=f"{user.get_username()}: {detail}"[:300],
    )


def _check_role(organisation: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND[organisation.kind]:
        names = ", ".join(label for _, label in roles_for(organisation))
        raise PeopleError(
            f"{organisation.name} gives its people these roles: {names}", field="role"
        )


def _send(invitation: Invitation, organisation: Organisation, role: str) -> bool:
    """Email the link when a mail server is configured; return whether it was sent."""
    if not mail_server_configured() or not invitation.user.email:
        return False
    expires = timezone.localtime(invitation.expires_at)
    send_mail(
        f"You are invited to Stepwise by {organisation.name}",
        f"{organisation.name} has invited you to Stepwise as {R(role).label.lower()}.\n\n"
        f"Open this link to choose your password and set up an authenticator app:\n"
        f"{invitation.address}\n\nIt works once and until {expires:%d %B %Y %H:%M}.",
        None,
        [invitation.user.email],
        fail_silently=False,
    )
    return True


@transaction.atomic
def person_invite(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    by: User | None,
    given_name: str = "",
    family_name: str = "",
    now: datetime | None = None,
) -> Invitation:
    """Give a person a role in the organisation and a one-time link to set up their sign-in.

    1. Their user name is their email address. Someone new gets a user with no
       password; someone whose memberships had all ended gets their user back, with
       no password or authenticator, so the link sets both up again.
    2. A person already signed up elsewhere keeps their password; the link sets up a
       new authenticator, as a reset does.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except Exception:
        raise PeopleError("Enter an email address like name@school.example", "email") from None
    _check_role(organisation, role)
    users = get_user_model().objects
    user = users.filter(username=email).first()
    if user is None:
        user = users.create_user(email, email=email, first_name=given_name.strip(),
                                 last_name=family_name.strip())  # fmt: skip
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise PeopleError(f"{email} is already {R(role).label.lower()} here", "email")
    elif not user.is_active:
        user.is_active = True
        user.set_unusable_password()
        user.save()
        TOTPDevice.objects.filter(user=user).delete()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    link, address = enrolment_link_create(user=user, by=by, now=now)
    invitation = Invitation(user, address, link.expires_at, emailed=False)
    _audit(organisation, by, user, f"invited as {R(role).label.lower()}")
    if _send(invitation, organisation, role):
        invitation = Invitation(user, address, link.expires_at, emailed=True)
    return invitation


def installation_admin_create(
    *, email: str, given_name: str = "", family_name: str = ""
) -> Invitation:
    """Make an administrator of the installation (the first, or another) and their link."""
    organisation, _ = Organisation.objects.get_or_create(
        kind=K.INSTALLATION, defaults={"name": INSTALLATION_NAME}
    )
    return person_invite(
        organisation=organisation,
        email=email,
        role=R.ORG_ADMIN,
        by=None,
        given_name=given_name,
        family_name=family_name,
    )


def _member(organisation: Organisation, user_id: int) -> User:
    user = (
        get_user_model().objects.filter(pk=user_id, memberships__organisation=organisation).first()
    )
    if user is None:
        raise PeopleError("That person is not one of this organisation's people")
    return user


def _last_admin(organisation: Organisation, user: User, keeping: set[str]) -> bool:
    """Return whether the change would leave the organisation with no admin."""
    admins = set(ROLES_BY_KIND[organisation.kind]) & {R.ORG_ADMIN, R.SCHOOL_ADMIN}
    others = (
        Membership.objects.filter(organisation=organisation, role__in=admins, user__is_active=True)
        .exclude(user=user)
        .exists()
    )
    return not others and not (keeping & admins)


@transaction.atomic
def person_roles_set(
    *, organisation: Organisation, user_id: int, roles: list[str], by: User
) -> User:
    """Give a member exactly these roles in the organisation (at least one)."""
    user = _member(organisation, user_id)
    if not roles:
        raise PeopleError("Select at least one role, or end their membership", "roles")
    for role in roles:
        _check_role(organisation, role)
    if _last_admin(organisation, user, set(roles)):
        raise PeopleError("Keep at least one admin: invite another before changing this", "roles")
    held = set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    Membership.objects.filter(user=user, organisation=organisation).exclude(role__in=roles).delete()
    for role in set(roles) - held:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    if held != set(roles):
        labels = ", ".join(R(r).label.lower() for r in roles)
        _audit(organisation, by, user, f"roles set to {labels}")
    return user


@transaction.atomic
def membership_end(*, organisation: Organisation, user_id: int, by: User | None) -> User:
    """End a person's membership of the organisation; with none left, they cannot sign in.

    Their user stays (records and the audit trail keep their name); an unused link
    they had stops working. Django signs an inactive user out on their next request.
    """
    user = _member(organisation, user_id)
    if _last_admin(organisation, user, set()):
        raise PeopleError("Keep at least one admin: invite another before ending this membership")
    Membership.objects.filter(user=user, organisation=organisation).delete()
    if not Membership.objects.filter(user=user).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
        now = timezone.now()
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
    _audit(organisation, by, user, "membership ended")
    return user


@transaction.atomic
def two_factor_reset(*, organisation: Organisation, user_id: int, by: User | None) -> Invitation:
    """Remove a member's authenticator and make them a link to set up a new one."""
    user = _member(organisation, user_id)
    if not user.is_active:
        raise PeopleError("That person can no longer sign in")
    TOTPDevice.objects.filter(user=user).delete()
    link, address = enrolment_link_create(user=user, by=by)
    _audit(organisation, by, user, "two-factor sign-in reset")
    return Invitation(user, address, link.expires_at, emailed=False)


@dataclass(frozen=True)
class Person:
    user: User
    roles: list[str]  # labels
    role_keys: list[str]
    has_authenticator: bool
    invited: bool  # has not finished setting up their sign-in


def people_of(organisation: Organisation) -> list[Person]:
    """Return the organisation's people, by name, with their roles and sign-in state."""
    members: QuerySet[Membership] = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )
    by_user: dict[int, list[str]] = {}
    users: dict[int, User] = {}
    for m in members:
        by_user.setdefault(m.user_id, []).append(m.role)
        users[m.user_id] = m.user
    devices = set(
        TOTPDevice.objects.filter(user_id__in=users, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    return [
        Person(
            user,
            [R(r).label for r in by_user[pk]],
            by_user[pk],
            pk in devices,
            invited=pk not in devices or not user.has_usable_password(),
        )
        for pk, user in users.items()
    ]


def organisation_find(name_or_number: str, kinds: tuple[str, ...] = ()) -> Organisation:
    """Return the one organisation (of these kinds) with this name or number, or raise PeopleError.

    A school may also be named by its school_id. For the command line.
    """
    found_in = Organisation.objects.all()
    if kinds:
        found_in = found_in.filter(kind__in=kinds)
    found = list(found_in.filter(name=name_or_number))
    if not found:
        found = list(found_in.filter(school__code=name_or_number))
    if not found and name_or_number.isdigit():
        found = list(found_in.filter(pk=int(name_or_number)))
    what = " or ".join(K(k).label.lower() for k in kinds) if kinds else "organisation"
    if not found:
        raise PeopleError(f"no {what} is called or numbered {name_or_number!r} (stepwise org list)")
    if len(found) > 1:
        raise PeopleError(
            f"{len(found)} organisations are called {name_or_number!r}: give its number "
            "(stepwise org list)"
        )
    return found[0]
