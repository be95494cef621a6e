"""The service navigation: one entry per area of work, shown to the roles that use it.

Each area adds its entry to NAVIGATION. An entry links to a page of the user's
school (or organisation) and is marked current on any of its `url_names`.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from stepwise.accounts.access import (
    ADMIN_ROLES,
    SCHOOL_ROLES,
    SERVICE_ROLES,
    memberships_for_request,
    reads_audit_log,
)
from stepwise.accounts.models import Membership, Organisation

R = Membership.Role


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str  # takes the school code as its only argument, or none with school=False
    url_names: tuple[str, ...]  # pages that count as this entry
    roles: tuple[str, ...]
    school: bool = True
    service: bool = False  # url_name takes the id of the user's attendance service instead
    admin: bool = False  # url_name takes the id of the organisation the user administers
    audit: bool = False  # url_name takes the id of the organisation whose audit log they read
    team: bool = False  # url_name takes the id of the user's prosecutions team
    installation: bool = False  # for the installation's administrators; url_name takes none


SCHOOL_STAFF = (R.ATTENDANCE_OFFICER, R.SCHOOL_LEADER, R.SCHOOL_ADMIN, R.ORG_ADMIN)

NAVIGATION: list[Entry] = [
    Entry(
        "Standings",
        "school",
        ("home", "school", "standings", "student", "student_letters", "school_letter_new"),
        SCHOOL_STAFF,
    ),
    Entry(
        "Threshold queue",
        "queue",
        ("queue", "response_add", "responses"),
        SCHOOL_STAFF,
    ),
    Entry(
        "Descriptions",
        "descriptions",
        ("descriptions", "description_add", "description_rename"),
        (R.SCHOOL_ADMIN, R.ORG_ADMIN),
    ),
    Entry(
        "Calendar",
        "school_calendar",
        ("school_calendar", "term_dates"),
        (R.SCHOOL_ADMIN, R.ORG_ADMIN),
    ),
    Entry("Early warning", "early_warning", ("early_warning",), SCHOOL_STAFF),
    Entry("Imports", "imports", ("imports", "upload"), SCHOOL_STAFF),
    Entry(
        "Dashboard",
        "dashboard",
        ("dashboard", "dashboard_targets", "ministry_export"),
        SCHOOL_STAFF,
    ),
    Entry(
        "Referrals",
        "school_referrals",
        ("school_referrals", "referral_new", "referral"),
        SCHOOL_STAFF,
    ),
    Entry(
        "Letter batches",
        "school_letter_batches",
        ("school_letter_batches", "school_letter_batch"),
        SCHOOL_STAFF,
    ),
    Entry(
        "Referrals inbox",
        "service_inbox",
        ("service_inbox", "referral", "referral_decide"),
        SERVICE_ROLES,
        school=False,
        service=True,
    ),
    Entry(
        "Cases",
        "cases",
        (
            "cases",
            "case",
            "case_new",
            "transferred_cases",
            "transfer_import",
            "tasks",
            "log_new",
            "person_new",
            "safety_new",
            "agency_new",
            "task_new",
            "case_status",
            "case_chronology",
            "case_readiness",
            "readiness_attest",
            "readiness_cannot_contact",
        ),
        SERVICE_ROLES,
        school=False,
        service=True,
    ),
    Entry(
        "Letter batches",
        "service_letter_batches",
        ("service_letter_batches", "service_letter_batch"),
        SERVICE_ROLES,
        school=False,
        service=True,
    ),
    Entry(
        "Referred cases",
        "team_referrals",
        ("team_referrals", "team_referral"),
        (R.PROSECUTIONS_OFFICER,),
        school=False,
        team=True,
    ),
    Entry(
        "Audit log",
        "audit_log",
        ("audit_log",),
        (*ADMIN_ROLES, R.SERVICE_MANAGER),
        school=False,
        audit=True,
    ),
    Entry(
        "Organisations",
        "organisations",
        ("organisations", "organisation_add", "organisation_edit"),
        (R.ORG_ADMIN,),
        school=False,
        installation=True,
    ),
    Entry(
        "People",
        "people",
        ("people", "member", "member_end", "member_two_factor_reset"),
        ADMIN_ROLES,
        school=False,
        admin=True,
    ),
    Entry(
        "API tokens",
        "api_tokens",
        ("api_tokens", "api_token_revoke"),
        ADMIN_ROLES,
        school=False,
        admin=True,
    ),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    """Return the navigation entries the signed-in user may use, for base.html."""
    user = request.user
    if not user.is_authenticated:
        return {"navigation": []}
    memberships = memberships_for_request(request)
    roles = {role for role, *_ in memberships}
    # The user's first school by code and first attendance service by name, as
    # schools_for_user and services_for_user would give them, from the one read.
    school = next(
        (code for role, _, _, _, code in memberships if role in SCHOOL_ROLES and code), None
    )
    service = next(
        (
            org
            for role, org, kind, _, _ in memberships
            if kind == Organisation.Kind.SERVICE and role in SERVICE_ROLES
        ),
        None,
    )
    administered = next((org for role, org, *_ in memberships if role in ADMIN_ROLES), None)
    audited = next(
        (org for role, org, kind, *_ in memberships if reads_audit_log(role, kind)), None
    )
    team = next(
        (
            org
            for role, org, kind, _, _ in memberships
            if kind == Organisation.Kind.PROSECUTIONS and role == R.PROSECUTIONS_OFFICER
        ),
        None,
    )
    installation = any(kind == Organisation.Kind.INSTALLATION for _, _, kind, *_ in memberships)
    here = request.resolver_match.url_name if request.resolver_match else None
    items = []
    for entry in NAVIGATION:
        if not roles.intersection(entry.roles):
            continue
        if (
            (entry.school and school is None)
            or (entry.service and service is None)
            or (entry.admin and administered is None)
            or (entry.audit and audited is None)
            or (entry.team and team is None)
            or (entry.installation and not installation)
        ):
            continue
        if entry.audit:
            args: list[object] = [audited]
        elif entry.admin:
            args = [administered]
        elif entry.team:
            args = [team]
        elif entry.service and service:
            args = [service]
        else:
            args = [school] if entry.school and school else []
        url = reverse(entry.url_name, args=args)
        items.append({"label": entry.label, "url": url, "current": here in entry.url_names})
    return {"navigation": items}
