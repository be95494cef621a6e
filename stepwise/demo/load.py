"""Load the synthetic demo schools through the real import path, and their demo sign-ins."""

import base64
import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from stepwise.accounts.models import Membership, Organisation
from stepwise.accounts.two_factor import needs_two_factor
from stepwise.intake.services import caregivers_take, register_take, roster_take
from stepwise.onboarding.organisations import school_setup
from stepwise.readiness.models import ReferralRoute
from stepwise.register.importers.register import HEADER as REGISTER_HEADER
from stepwise.rules.pack import load_pack
from stepwise.schools.catchments import catchment_add
from stepwise.schools.models import School
from stepwise.standings.services import school_evaluate

from .casework import demo_casework, demo_transfer
from .generate import ENGLAND_SCHOOL, NZ_SCHOOL, DemoSchool, demo_schools
from .letters import demo_school_batch
from .responses import demo_detected_nightly, demo_responses

DEMO_PASSWORD = "stepwise-demo"
DEMO_DEVICE_NAME = "Demo authenticator"
ROLES = [
    ("officer", Membership.Role.ATTENDANCE_OFFICER),
    ("leader", Membership.Role.SCHOOL_LEADER),
    ("admin", Membership.Role.SCHOOL_ADMIN),
]
LOGIN_PREFIX = {"nz": "nz", "kent": "kent", "england": "eng"}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    school: str
    totp_key: str = ""  # base32, for an authenticator app, where the role needs two factors


def demo_device(user) -> TOTPDevice:
    """Give a demo user who needs two factors a confirmed authenticator with a fixed key.

    The key is derived from the user name so the printed sign-ins stay valid across
    reloads; it is demo-only, like the password.
    """
    key = hashlib.sha256(f"stepwise-demo-totp:{user.username}".encode()).hexdigest()[:40]
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": key, "confirmed": True}
    )
    return device


def _totp_key(user) -> str:
    if not needs_two_factor(user):
        return ""
    return base64.b32encode(demo_device(user).bin_key).decode()


def _csv(rows: Iterable, header: Iterable[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row.values() if isinstance(row, dict) else row)
    return out.getvalue().encode()


SERVICES = {
    "nz": ("Kōwhai Attendance Service", "nz"),
    "kent": ("Kent Attendance Support Service", "kent"),
}
# Where each service's prosecution referrals go, and the team's demo sign-in.
TEAMS = {
    "nz": ("Ministry Prosecutions team", "prosecutions@example.govt.nz"),
    "kent": ("Kent County Council statutory attendance intervention", "kpas@example.kent.gov.uk"),
}
# The team's admin reads its audit log.
TEAM_ROLES = [
    ("prosecutor", Membership.Role.PROSECUTIONS_OFFICER),
    ("team-admin", Membership.Role.ORG_ADMIN),
]
# Synthetic colleagues, so pages say who did what.
DEMO_NAMES = {
    "nz-officer": ("Aroha", "Kingi"),
    "nz-caseworker": ("Tipene", "Rāwiri"),
    "nz-manager": ("Ngaire", "Hōhepa"),
    "kent-officer": ("Priya", "Shah"),
    "kent-caseworker": ("Dan", "Okafor"),
    "kent-manager": ("Helen", "Marsh"),
    "nz-prosecutor": ("Mere", "Tawhiri"),
    "kent-prosecutor": ("Colin", "Ashby"),
    "nz-team-admin": ("Anahera", "Pōtae"),
    "kent-team-admin": ("Ruth", "Gale"),
}
SERVICE_ROLES = [
    ("caseworker", Membership.Role.CASEWORKER),
    ("manager", Membership.Role.SERVICE_MANAGER),
]


def demo_today() -> date:
    """Return the latest day every demo school has reached where it is.

    The demo's schools are in different time zones: on an Auckland morning it is still
    yesterday in Kent, and a Kent register may not hold marks for its tomorrow.
    """
    zones = {load_pack(spec.pack).calendar.time_zone for spec in (NZ_SCHOOL, ENGLAND_SCHOOL)}
    return min(timezone.localdate(timezone=ZoneInfo(zone)) for zone in zones)


def demo_load(*, as_of: date, seed: int = 2026, progress=None) -> list[DemoLogin]:
    """Create the demo schools, import their files, evaluate them and add demo users."""
    logins = []
    for demo in demo_schools(seed=seed, as_of=as_of):
        if progress:
            progress(f"Loading {demo.name}")
        school = _load_school(demo, as_of)
        logins += _add_users(school)
        name, prefix = SERVICES[school.pack]
        service, created = Organisation.objects.get_or_create(
            name=name, kind=Organisation.Kind.SERVICE, defaults={"pack": school.pack}
        )
        # Each country's service covers its own school, and only that one.
        catchment_add(service=service, schools=[school])
        logins += _add_members(service, prefix, SERVICE_ROLES)
        logins += _add_team(service, school.pack, prefix)
        if created:
            _load_casework(school, service, prefix, as_of, seed)
    return logins


def _add_team(service: Organisation, pack: str, prefix: str) -> list[DemoLogin]:
    name, email = TEAMS[pack]
    team, _ = Organisation.objects.get_or_create(
        name=name, kind=Organisation.Kind.PROSECUTIONS, defaults={"pack": pack}
    )
    ReferralRoute.objects.get_or_create(service=service, defaults={"team": team, "email": email})
    return _add_members(team, prefix, TEAM_ROLES)


def _load_casework(
    school: School, service: Organisation, prefix: str, as_of: date, seed: int
) -> None:
    users = get_user_model().objects.in_bulk(
        [f"{prefix}-officer", f"{prefix}-caseworker", f"{prefix}-manager"], field_name="username"
    )
    with transaction.atomic():
        demo_responses(school=school, officer=users[f"{prefix}-officer"], as_of=as_of, seed=seed)
        demo_casework(
            school=school,
            service=service,
            officer=users[f"{prefix}-officer"],
            caseworker=users[f"{prefix}-caseworker"],
            manager=users[f"{prefix}-manager"],
            as_of=as_of,
            seed=seed,
        )
        if school.pack == "nz":
            demo_transfer(service=service, manager=users[f"{prefix}-manager"], as_of=as_of)
            demo_school_batch(school=school, officer=users[f"{prefix}-officer"], as_of=as_of)


def _load_school(demo: DemoSchool, as_of: date) -> School:
    with transaction.atomic():
        school = school_setup(code=demo.school_id, name=demo.name, pack=demo.pack, today=as_of)
        roster_take(
            _csv(demo.roster, demo.roster[0].keys()), file_name=f"{demo.school_id}-roster.csv"
        )
        caregivers_take(
            _csv(demo.caregivers, demo.caregivers[0].keys()),
            file_name=f"{demo.school_id}-caregivers.csv",
        )
        # A year of marks in two files, evaluated once after both (in the same transaction).
        register_take(
            _csv(demo.marks, REGISTER_HEADER),
            file_name=f"{demo.school_id}-register.csv",
            evaluate=False,
        )
        if demo.amendments:
            register_take(
                _csv(demo.amendments, REGISTER_HEADER),
                file_name=f"{demo.school_id}-amendments.csv",
                evaluate=False,
            )
        school_evaluate(school=school, as_of=as_of)
        demo_detected_nightly(school)
    return school


def _add_users(school: School) -> list[DemoLogin]:
    return _add_members(school.organisation, LOGIN_PREFIX[school.pack], ROLES)


def _add_members(organisation: Organisation, prefix: str, roles) -> list[DemoLogin]:
    users = get_user_model()
    logins = []
    for suffix, role in roles:
        username = f"{prefix}-{suffix}"
        given, family = DEMO_NAMES.get(username, (suffix.title(), prefix.upper()))
        user, created = users.objects.get_or_create(
            username=username, defaults={"first_name": given, "last_name": family}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        logins.append(
            DemoLogin(username, Membership.Role(role).label, organisation.name, _totp_key(user))
        )
    return logins


def demo_logins() -> list[DemoLogin]:
    """Return the demo sign-ins that exist, for printing."""
    return [
        DemoLogin(m.user.username, m.get_role_display(), m.organisation.name, _totp_key(m.user))
        for m in Membership.objects.select_related("user", "organisation").order_by(
            "user__username"
        )
        if any(m.user.username.startswith(p + "-") for p in LOGIN_PREFIX.values())
    ]
