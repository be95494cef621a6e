"""The authorisation matrix: every role × every URL × an object of another organisation.

The URLs come from the URL map itself (every pattern under ROOT_URLCONF, recursively),
so a new endpoint is in the matrix the day it is added, and fails it until RULES says
how to point its URL at an object of school B or service Y. Each user works for
school A, service X, the Ministry or the prosecutions team (tests/security/world.py).

For each user, URL name, case and method (GET, an empty POST, and for forms a POST
with a complete, valid-looking body) the answer must be 403 or 404: never a page, a
redirect to one, or an error. And it must not leak existence: the answer for B's or
Y's real object must be the same (status and page) as for an object that does not
exist. Signed-out visitors are sent to sign in, whatever the object. A positive
control shows the same users do open their own organisation's pages.
"""

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from stepwise.api.models import ApiToken
from stepwise.audit.models import AuditEvent
from stepwise.cases.models import Agency, LogEntry, Person, ProsecutionReferral, SafetyFlag, Task
from stepwise.cases.models import Case as CaseModel
from stepwise.certificates.models import RegistrationCertificate
from stepwise.letters.models import Letter, LetterBatch, LetterNotice, LetterSender, WordTemplate
from stepwise.onboarding.models import ImportUpload
from stepwise.readiness.models import Attestation
from stepwise.referrals.models import Referral
from stepwise.register.models import ImportRun
from stepwise.responses.models import Description, ResponseActivity
from stepwise.schools.models import TermTarget
from stepwise.standings.models import ThresholdEvent
from tests.conftest import MATRIX_PROPERTY, sign_in

from .api_rules import API_RULES, API_SKIPPED
from .world import TEMPLATE_LETTER, TERM_KEY, USERS, World

# The world is built once per module (tests/security/conftest.py); the mark makes
# pytest-django create the test database and wraps each test in a savepoint.
pytestmark = pytest.mark.django_db

# --- What the matrix leaves out, and why ----------------------------------------------

SKIPPED_NAMESPACES = {
    "admin": "Django admin: for is_staff users only, whatever their organisation; "
    "test_no_organisation_role_opens_the_django_admin checks none of these users gets in",
}
SKIPPED_NAMES = {
    "login": "the sign-in page is public by design: it names no organisation's object",
    "health": "a load balancer's health check is public by design: it answers ok or which "
    "dependency failed, nothing of any organisation (tests/ops/test_health.py)",
    "logout": "signing out ends the caller's own session and reads no organisation's object",
    "two_factor_missing": "tells the caller how to get an authenticator app, no organisation's "
    "object (tests/accounts/test_sign_in_hardening.py)",
    "two_factor_enrol": "an enrolment link sets up its own user's authenticator after their "
    "password, no organisation's object (tests/accounts/test_enrolment_link.py)",
    "two_factor_verify": "checks a code from the caller's own authenticator app, no "
    "organisation's object (tests/accounts/test_sign_in_hardening.py)",
}
# The API's own rules, with tokens instead of sessions, are in api_rules.py.
SKIPPED_NAMES.update(API_SKIPPED)
SKIPPED_NAMES.update(
    {
        name: "an API URL: tests/security/test_api_matrix.py asks it with tokens"
        for name in API_RULES
    }
)
STATIC_REASON = "static files: public stylesheets, scripts and images, no organisation's data"

# Objects that do not exist, one of each kind the URLs take.
NO_SCHOOL = "ZZ-NOPE"
NO_STUDENT = "000000000"
NO_TERM = "2099T4"
NO_PK = 999999


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str


def url_map() -> tuple[list[Endpoint], dict[str, str]]:
    """Return every endpoint in the URL map, and what was skipped with the reason."""
    endpoints: list[Endpoint] = []
    skipped: dict[str, str] = {}
    static = settings.STATIC_URL.lstrip("/")

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or ""
                if ns in SKIPPED_NAMESPACES:
                    skipped[f"{ns}:*"] = SKIPPED_NAMESPACES[ns]
                    continue
                walk(pattern.url_patterns, route, ":".join(n for n in (namespace, ns) if n))
            elif isinstance(pattern, URLPattern):
                if static and route.startswith(static):
                    skipped[route] = STATIC_REASON
                    continue
                name = pattern.name or ""
                if name and namespace:
                    name = f"{namespace}:{name}"
                if name in SKIPPED_NAMES:
                    skipped[name] = SKIPPED_NAMES[name]
                    continue
                endpoints.append(Endpoint(name, route))

    walk(get_resolver().url_patterns, "", "")
    return endpoints, skipped


# --- The rules: how each URL points at school B's or service Y's objects --------------


@dataclass(frozen=True)
class Target:
    kwargs: dict[str, Any]
    query: str = ""

    def url(self, name: str) -> str:
        return reverse(name, kwargs=self.kwargs) + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True)
class Case:
    what: str
    real: Target  # B's or Y's object, which exists
    fakes: tuple[Target, ...]  # the same kind of object, which does not


@dataclass(frozen=True)
class Rule:
    cases: Callable[[World], list[Case]] | None  # None: a page with no object in its URL
    form: Callable[[World], dict[str, Any]] | None = None  # a complete, valid-looking POST
    post_only: bool = False  # GET answers 405 before anything is looked up


def by_school(*queries: str) -> Callable[[World], list[Case]]:
    def cases(w: World) -> list[Case]:
        return [
            Case(
                f"school B{' ?' + q if q else ''}",
                Target({"code": w.school_b.code}, q),
                (Target({"code": NO_SCHOOL}, q),),
            )
            for q in queries or ("",)
        ]

    return cases


def by_student(query: Callable[[World], str] = lambda w: "") -> Callable[[World], list[Case]]:
    def cases(w: World) -> list[Case]:
        b, a, nid, q = w.school_b.code, w.school_a.code, w.student_b.national_id, query(w)
        return [
            Case(
                "school B's student",
                Target({"code": b, "national_id": nid}, q),
                (
                    Target({"code": NO_SCHOOL, "national_id": nid}, q),
                    Target({"code": b, "national_id": NO_STUDENT}, q),
                ),
            ),
            Case(
                "school B's student through school A's address",
                Target({"code": a, "national_id": nid}, q),
                (Target({"code": a, "national_id": NO_STUDENT}, q),),
            ),
        ]

    return cases


def by_description(w: World) -> list[Case]:
    b, a, pk = w.school_b.code, w.school_a.code, w.description_b.pk
    return [
        Case(
            "school B's description",
            Target({"code": b, "pk": pk}),
            (Target({"code": NO_SCHOOL, "pk": pk}), Target({"code": b, "pk": NO_PK})),
        ),
        Case(
            "school B's description through school A's address",
            Target({"code": a, "pk": pk}),
            (Target({"code": a, "pk": NO_PK}),),
        ),
    ]


def by_response(w: World) -> list[Case]:
    b, a, pk = w.school_b.code, w.school_a.code, w.response_b.pk
    return [
        Case(
            "school B's response",
            Target({"code": b, "pk": pk}),
            (Target({"code": NO_SCHOOL, "pk": pk}), Target({"code": b, "pk": NO_PK})),
        ),
        Case(
            "school B's response through school A's address",
            Target({"code": a, "pk": pk}),
            (Target({"code": a, "pk": NO_PK}),),
        ),
    ]


def by_organisation(*which: str) -> Callable[[World], list[Case]]:
    def cases(w: World) -> list[Case]:
        orgs = {
            "school B": w.school_b.organisation,
            "service Y": w.service_y,
            "team Z": w.other_team,
        }
        return [
            Case(
                f"{label}'s organisation",
                Target({"org_id": orgs[label].pk}),
                (Target({"org_id": NO_PK}),),
            )
            for label in which
        ]

    return cases


def standings_cases(w: World) -> list[Case]:
    b = w.school_b.code
    return [
        Case(
            "school B's term",
            Target({"code": b, "term_key": TERM_KEY}),
            (
                Target({"code": NO_SCHOOL, "term_key": TERM_KEY}),
                Target({"code": b, "term_key": NO_TERM}),
            ),
        )
    ]


def referral_cases(w: World) -> list[Case]:
    return [
        Case(
            "school B's referral to service Y",
            Target({"pk": w.referral_b.pk}),
            (Target({"pk": NO_PK}),),
        )
    ]


def token_cases(w: World) -> list[Case]:
    b_org, a_org, pk = w.school_b.organisation.pk, w.school_a.organisation.pk, w.token_b.pk
    return [
        Case(
            "school B's API token",
            Target({"org_id": b_org, "pk": pk}),
            (Target({"org_id": NO_PK, "pk": pk}), Target({"org_id": b_org, "pk": NO_PK})),
        ),
        Case(
            "school B's API token through school A's address",
            Target({"org_id": a_org, "pk": pk}),
            (Target({"org_id": a_org, "pk": NO_PK}),),
        ),
    ]


def by_case(*inner: str) -> Callable[[World], list[Case]]:
    """Service Y's case, and each object of it (`inner` names flag, task, attachment)."""

    def cases(w: World) -> list[Case]:
        y, x = w.case_y.pk, w.case_x.pk
        kwargs = {f"{name}_pk": getattr(w, f"{name}_y").pk for name in inner}
        mine = {f"{name}_pk": getattr(w, f"{name}_x").pk for name in inner}
        found = [
            Case(
                "service Y's case",
                Target({"pk": y, **kwargs}),
                (
                    Target({"pk": NO_PK, **kwargs}),
                    *(Target({"pk": y, **kwargs, k: NO_PK}) for k in kwargs),
                ),
            )
        ]
        if inner:
            found.append(
                Case(
                    "service Y's case objects through service X's case",
                    Target({"pk": x, **kwargs}),
                    tuple(Target({"pk": x, **mine, k: NO_PK}) for k in kwargs),
                )
            )
        return found

    return cases


def letter_cases(w: World) -> list[Case]:
    """Service Y's case's letter page, for a letter of its ladder and one that is not."""
    y, key = w.case_y.pk, "non_enrolment_1"
    return [
        Case(
            "service Y's case's letter",
            Target({"pk": y, "key": key}),
            (Target({"pk": NO_PK, "key": key}), Target({"pk": y, "key": "no_such_letter"})),
        )
    ]


def with_kwargs(
    cases: Callable[[World], list[Case]], extra: Callable[[World], dict[str, Any]]
) -> Callable[[World], list[Case]]:
    """The same cases, each address with more in it (a letter's key, say)."""

    def more(w: World) -> list[Case]:
        add = extra(w)
        return [
            Case(
                c.what,
                Target({**c.real.kwargs, **add}, c.real.query),
                tuple(Target({**f.kwargs, **add}, f.query) for f in c.fakes),
            )
            for c in cases(w)
        ]

    return more


def school_letter_cases(w: World) -> list[Case]:
    """School B's letter about its student, and through school A's address and student."""
    b, a, pk = w.school_b.code, w.school_a.code, w.school_letter_b.pk
    nid_b, nid_a = w.student_b.national_id, w.student_a.national_id
    return [
        Case(
            "school B's letter",
            Target({"code": b, "national_id": nid_b, "letter_pk": pk}),
            (
                Target({"code": NO_SCHOOL, "national_id": nid_b, "letter_pk": pk}),
                Target({"code": b, "national_id": NO_STUDENT, "letter_pk": pk}),
                Target({"code": b, "national_id": nid_b, "letter_pk": NO_PK}),
            ),
        ),
        Case(
            "school B's letter through school A's student",
            Target({"code": a, "national_id": nid_a, "letter_pk": pk}),
            (Target({"code": a, "national_id": nid_a, "letter_pk": NO_PK}),),
        ),
    ]


def certificate_cases(w: World) -> list[Case]:
    """School B's certificate of its student, and through school A's address and student."""
    b, a, pk = w.school_b.code, w.school_a.code, w.certificate_b.pk
    nid_b, nid_a = w.student_b.national_id, w.student_a.national_id
    return [
        Case(
            "school B's certificate",
            Target({"code": b, "national_id": nid_b, "pk": pk}),
            (
                Target({"code": NO_SCHOOL, "national_id": nid_b, "pk": pk}),
                Target({"code": b, "national_id": NO_STUDENT, "pk": pk}),
                Target({"code": b, "national_id": nid_b, "pk": NO_PK}),
            ),
        ),
        Case(
            "school B's certificate through school A's student",
            Target({"code": a, "national_id": nid_a, "pk": pk}),
            (Target({"code": a, "national_id": nid_a, "pk": NO_PK}),),
        ),
    ]


def attest_cases(w: World) -> list[Case]:
    """A checklist item of service Y's case, and an item no checklist has."""
    y, item = w.case_y.pk, "crm_spoken"
    return [
        Case(
            "service Y's case's checklist item",
            Target({"pk": y, "item_key": item}),
            (Target({"pk": NO_PK, "item_key": item}), Target({"pk": y, "item_key": "no_such"})),
        )
    ]


def person_cases(w: World) -> list[Case]:
    """Service Y's case's caregiver, and through service X's case."""
    y, x, person = w.case_y.pk, w.case_x.pk, w.letter_y.person_id
    return [
        Case(
            "service Y's caregiver",
            Target({"pk": y, "person_pk": person}),
            (Target({"pk": NO_PK, "person_pk": person}), Target({"pk": y, "person_pk": NO_PK})),
        ),
        Case(
            "service Y's caregiver through service X's case",
            Target({"pk": x, "person_pk": person}),
            (Target({"pk": x, "person_pk": NO_PK}),),
        ),
    ]


def prosecution_cases(w: World) -> list[Case]:
    """Service Y's case as referred to another prosecutions team."""
    return [
        Case(
            "service Y's referral to team Z",
            Target({"pk": w.prosecution_y.pk}),
            (Target({"pk": NO_PK}),),
        )
    ]


def batch_cases(kind: str) -> Callable[[World], list[Case]]:
    """School B's (or service Y's) letter batch, and through A's (or X's) own address."""

    def cases(w: World) -> list[Case]:
        if kind == "school":
            key, theirs, mine, pk = "code", w.school_b.code, w.school_a.code, w.batch_b.pk
            nobody: Any = NO_SCHOOL
        else:
            key, theirs, mine, pk = "org_id", w.service_y.pk, w.service_x.pk, w.batch_y.pk
            nobody = NO_PK
        return [
            Case(
                f"{kind} B/Y's letter batch",
                Target({key: theirs, "pk": pk}),
                (Target({key: nobody, "pk": pk}), Target({key: theirs, "pk": NO_PK})),
            ),
            Case(
                f"{kind} B/Y's letter batch through A/X's address",
                Target({key: mine, "pk": pk}),
                (Target({key: mine, "pk": NO_PK}),),
            ),
        ]

    return cases


def batch_form(w: World, **extra: Any) -> dict[str, Any]:
    return {"sent_on": "2026-11-20", "method": "post", "reason": "From outside", **extra}


def case_form(**fields: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {**fields}


def response_form(w: World, **extra: Any) -> dict[str, Any]:
    return {
        "response_type": "conversation",
        "description_conversation": w.description_b.pk,
        "happened_on_day": "20",
        "happened_on_month": "11",
        "happened_on_year": "2026",
        "done_by": "Someone from outside",
        "notes": "written from outside",
        **extra,
    }


def b_member(w: World) -> int:
    """Return the id of school B's attendance officer, who never signs in here."""
    return w.school_b.organisation.memberships.get(user__username="b_officer").user_id


def person_of_b_cases(w: World) -> list[Case]:
    """School B's officer on B's people page, and through school A's and service X's pages."""
    b, a, x, pk = (
        w.school_b.organisation.pk,
        w.school_a.organisation.pk,
        w.service_x.pk,
        b_member(w),
    )
    return [
        Case(
            "school B's person",
            Target({"org_id": b, "user_id": pk}),
            (Target({"org_id": NO_PK, "user_id": pk}), Target({"org_id": b, "user_id": NO_PK})),
        ),
        *(
            Case(
                f"school B's person through {label}'s people",
                Target({"org_id": mine, "user_id": pk}),
                (Target({"org_id": mine, "user_id": NO_PK}),),
            )
            for label, mine in (("school A", a), ("service X", x))
        ),
    ]


def kind_cases(w: World) -> list[Case]:
    """The installation's page to add an organisation: no organisation's object in it."""
    return [Case("a new school", Target({"kind": "school"}), (Target({"kind": "no_such"}),))]


def upload_cases(w: World) -> list[Case]:
    """School B's upload, and through school A's address."""
    b, a, pk = w.school_b.code, w.school_a.code, w.upload_b.pk
    return [
        Case(
            "school B's upload",
            Target({"code": b, "pk": pk}),
            (Target({"code": NO_SCHOOL, "pk": pk}), Target({"code": b, "pk": NO_PK})),
        ),
        Case(
            "school B's upload through school A's address",
            Target({"code": a, "pk": pk}),
            (Target({"code": a, "pk": NO_PK}),),
        ),
    ]


INVITE_FORM = {"email": "outsider@example.org", "role": "school_admin"}

RULES: dict[str, Rule] = {
    "home": Rule(cases=None),
    "school": Rule(by_school()),
    "standings": Rule(standings_cases),
    "student": Rule(by_student(lambda w: f"term={TERM_KEY}")),
    "queue": Rule(by_school(), form=lambda w: response_form(w, events=[w.event_b.pk])),
    "responses": Rule(by_school()),
    "response_add": Rule(
        by_student(lambda w: f"event={w.event_b.pk}"),
        form=lambda w: response_form(w, event=w.event_b.pk),
    ),
    "response_correct": Rule(
        by_response,
        form=lambda w: response_form(w, event=w.event_b.pk, reason="Corrected from outside"),
    ),
    "response_withdraw": Rule(by_response, form=lambda w: {"reason": "Withdrawn from outside"}),
    "descriptions": Rule(by_school()),
    "school_calendar": Rule(
        by_school(),
        form=lambda w: {
            "action": "close",
            "day_day": "27",
            "day_month": "11",
            "day_year": "2026",
            "reason": "Closed from outside",
        },
    ),
    "term_dates": Rule(
        standings_cases,
        form=lambda w: {
            "start_day": "1",
            "start_month": "10",
            "start_year": "2026",
            "end_day": "18",
            "end_month": "12",
            "end_year": "2026",
        },
    ),
    "description_add": Rule(
        by_school("type=conversation"),
        form=lambda w: {"response_type": "other", "text": "Added from outside"},
    ),
    "description_rename": Rule(by_description, form=lambda w: {"text": "Renamed from outside"}),
    "description_change": Rule(by_description, form=lambda w: {"action": "retire"}, post_only=True),
    "referral_new": Rule(
        by_student(),
        form=lambda w: {
            "service": w.service_y.pk,
            "reason": Referral.Reason.CHRONIC_ABSENCE,
            "summary": "Referred from outside",
        },
    ),
    "school_referrals": Rule(by_school()),
    "service_inbox": Rule(by_organisation("service Y", "school B")),
    "referral": Rule(referral_cases),
    "audit_log": Rule(by_organisation("school B", "service Y")),
    "audit_export": Rule(by_organisation("school B", "service Y")),
    "early_warning": Rule(by_school()),
    "dashboard": Rule(by_school()),
    "dashboard_targets": Rule(
        by_school(), form=lambda w: {f"target-{t.key}": "99" for t in w.school_b.terms.all()}
    ),
    "ministry_export": Rule(by_school("", "from=2026-10-12&to=2026-11-20")),
    # An empty POST is the download itself: it takes no fields.
    "subject_access": Rule(by_student()),
    "api_tokens": Rule(
        by_organisation("school B", "service Y"), form=lambda w: {"name": "Made from outside"}
    ),
    # An empty POST is the revocation itself.
    "api_token_revoke": Rule(token_cases),
    "referral_decide": Rule(referral_cases, form=case_form(decision="decline", note="Outside")),
    "cases": Rule(by_organisation("service Y", "school B")),
    "case_new": Rule(
        by_organisation("service Y", "school B"),
        form=case_form(reason="not_enrolled", given_name="From", family_name="Outside"),
    ),
    "transferred_cases": Rule(by_organisation("service Y", "school B")),
    "transfer_import": Rule(by_organisation("service Y", "school B")),
    "tasks": Rule(by_organisation("service Y", "school B")),
    "case": Rule(by_case()),
    "case_chronology": Rule(by_case()),
    "log_new": Rule(
        by_case(),
        form=case_form(kind="phone", happened_at="2026-11-20T10:00", outcome="no_answer"),
    ),
    "person_new": Rule(
        by_case(), form=case_form(role="caregiver", given_name="From", family_name="Outside")
    ),
    "person_edit": Rule(
        person_cases,
        form=case_form(role="caregiver", given_name="From", family_name="Outside", reason="Out"),
    ),
    "person_end": Rule(person_cases, form=case_form(ended_on="2026-11-20", reason="From outside")),
    "safety_new": Rule(by_case(), form=case_form(kind="dogs", address="1 Road", note="Outside")),
    "safety_withdraw": Rule(by_case("flag"), post_only=True),
    "agency_new": Rule(by_case(), form=case_form(kind="police", name="From outside")),
    "task_new": Rule(by_case(), form=case_form(title="From outside", due_on="2026-11-30")),
    "task_done": Rule(by_case("task"), post_only=True),
    "case_status": Rule(by_case(), form=case_form(status="closed", closed_reason="other")),
    "case_assign": Rule(by_case(), post_only=True),
    "case_attachment": Rule(by_case("attachment")),
    "case_letters": Rule(by_case()),
    "letter_issue": Rule(
        letter_cases,
        form=case_form(
            action="send",
            sent_on="2026-11-20",
            method="post",
            reason="From outside",
            not_enrolled_since="2026-08-03",
        ),
    ),
    "letter_download": Rule(by_case("letter")),
    "student_letters": Rule(by_student()),
    "student_certificates": Rule(by_student(), form=case_form(period="this_year", confirm="on")),
    "student_certificate_download": Rule(certificate_cases),
    "case_certificates": Rule(by_case(), form=case_form(period="this_year", confirm="on")),
    "case_certificate_download": Rule(by_case("certificate")),
    "case_readiness": Rule(by_case()),
    "readiness_refer": Rule(by_case(), post_only=True),
    "readiness_attest": Rule(
        attest_cases, form=case_form(answer="spoken", happened_on="2026-11-19", note="Outside")
    ),
    "readiness_put_right": Rule(
        by_case(), form=case_form(happened_on="2026-11-19", note="From outside")
    ),
    "readiness_cannot_contact": Rule(
        person_cases, form=case_form(happened_on="2026-11-19", note="From outside")
    ),
    "team_referrals": Rule(by_organisation("team Z", "service Y")),
    "team_referral": Rule(prosecution_cases, form=case_form(status="declined", note="Outside")),
    "team_referral_bundle": Rule(prosecution_cases),
    "case_chronology_pdf": Rule(by_case()),
    "case_bundle_pdf": Rule(by_case()),
    "case_bundle_zip": Rule(by_case()),
    "school_letter_new": Rule(
        with_kwargs(by_student(), lambda w: {"key": "school_notification"}),
        form=case_form(
            action="send",
            sent_on="2026-11-20",
            method="post",
            reason="From outside",
            days_missed="15",
            days_possible="29",
        ),
    ),
    "school_letter_download": Rule(school_letter_cases),
    "school_letter_batches": Rule(by_school(), form=batch_form),
    "school_letter_batch": Rule(batch_cases("school")),
    "school_letter_batch_pdf": Rule(batch_cases("school")),
    "service_letter_batches": Rule(
        by_organisation("service Y", "school B"),
        form=lambda w: batch_form(w, letter="non_enrolment_1", cases=[w.case_y.pk]),
    ),
    "service_letter_batch": Rule(batch_cases("service")),
    "service_letter_batch_pdf": Rule(batch_cases("service")),
    "letter_sender": Rule(
        by_organisation("service Y", "school B"),
        form=lambda w: {"name": "Outside", "phone": "000"},
    ),
    "word_templates": Rule(
        by_organisation("service Y", "school B"),
        form=lambda w: {"letter": TEMPLATE_LETTER, "upload": "not a Word file"},
    ),
    "word_template_remove": Rule(
        with_kwargs(by_organisation("service Y", "school B"), lambda w: {"key": TEMPLATE_LETTER}),
        post_only=True,
    ),
    "organisations": Rule(cases=None),
    "organisation_add": Rule(
        kind_cases, form=lambda w: {"code": "NZ-X", "name": "X", "pack": "nz"}
    ),
    "organisation_edit": Rule(
        by_organisation("school B", "service Y", "team Z"), form=lambda w: {"name": "Outside"}
    ),
    "people": Rule(by_organisation("school B", "service Y", "team Z"), form=lambda w: INVITE_FORM),
    "member": Rule(person_of_b_cases, form=lambda w: {"roles": ["school_admin"]}),
    "member_end": Rule(person_of_b_cases),
    "member_two_factor_reset": Rule(person_of_b_cases),
    "imports": Rule(by_school(), form=lambda w: {"kind": "roster"}),
    "upload": Rule(upload_cases),
    "upload_problems": Rule(upload_cases),
}

# The installation's administrator adds and changes every organisation and invites its
# first admin, by design (tests/onboarding/test_installation_admin.py): these pages
# answer them for school B too, and their home page is the list of organisations. The
# matrix still asks them every other page, and they must be refused all of B's records.
INSTALLATION_PAGES = {
    "home",
    "organisations",
    "organisation_add",
    "organisation_edit",
    "people",
    "member",
    "member_end",
    "member_two_factor_reset",
}


def endpoints_with_rules() -> list[Endpoint]:
    endpoints, _ = url_map()
    seen: dict[str, str] = {}
    for endpoint in endpoints:
        if not endpoint.name:
            pytest.fail(f"name the URL pattern {endpoint.route!r} and add an authorisation rule")
        if endpoint.name in seen:
            # reverse() reaches only one of them, so the matrix could not try the other.
            pytest.fail(
                f"{endpoint.route!r} and {seen[endpoint.name]!r} share the name "
                f"{endpoint.name}: give each its own name and authorisation rule"
            )
        seen[endpoint.name] = endpoint.route
        if endpoint.name not in RULES:
            pytest.fail(f"add an authorisation rule for {endpoint.name}")
    return endpoints


# --- Asking --------------------------------------------------------------------------

CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@dataclass(frozen=True)
class Answer:
    status: int
    location: str  # without its query string: ?next= names the address asked for
    body: bytes  # with the per-request CSRF token taken out

    def __str__(self) -> str:
        return f"{self.status}{' to ' + self.location if self.location else ''}"


def ask(client: Client, method: str, url: str, data: dict[str, Any] | None) -> Answer:
    response = client.get(url) if method == "GET" else client.post(url, data or {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Answer(
        response.status_code,
        response.get("Location", "").split("?")[0],
        CSRF_TOKEN.sub(b"", body),
    )


def leaked(world: World, body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace")
    return [s for s in world.secrets if s in text]


def signed_in_clients(world: World) -> dict[str, Client]:
    clients = {}
    for key, user in world.users.items():
        clients[key] = sign_in(Client(raise_request_exception=False), user)
    clients["anonymous"] = Client(raise_request_exception=False)
    return clients


def snapshot() -> dict[str, Any]:
    """Return what a refused request must not have changed."""
    return {
        # A refused form shows the user's own list again: that view of their own children
        # is recorded (tests/audit/test_list_views_are_audited.py), and changes nothing.
        "audit events": AuditEvent.objects.exclude(action=AuditEvent.Action.LIST).count(),
        "response activities": ResponseActivity.objects.count(),
        "referrals": sorted(Referral.objects.values_list("pk", "status")),
        "descriptions": sorted(
            Description.objects.values_list("pk", "text", "position", "retired")
        ),
        "term targets": sorted(TermTarget.objects.values_list("term_id", "regular_percent")),
        "api tokens": sorted(ApiToken.objects.values_list("pk", "revoked_at")),
        "threshold events": ThresholdEvent.objects.count(),
        "cases": sorted(
            CaseModel.objects.values_list("pk", "status", "assigned_to", "exploring_pathway")
        ),
        "case people": Person.objects.count(),
        "log entries": LogEntry.objects.count(),
        "agencies": Agency.objects.count(),
        "safety flags": sorted(SafetyFlag.objects.values_list("pk", "withdrawn_at")),
        "tasks": sorted(Task.objects.values_list("pk", "done_at")),
        "letters": Letter.objects.count(),
        "letter batches": sorted(LetterBatch.objects.values_list("pk", "status", "done")),
        "letter notices": LetterNotice.objects.count(),
        "letter senders": sorted(LetterSender.objects.values_list("pk", "name", "phone")),
        "word templates": sorted(WordTemplate.objects.values_list("pk", "sha256")),
        "attestations": Attestation.objects.count(),
        "certificates": RegistrationCertificate.objects.count(),
        "prosecution referrals": sorted(ProsecutionReferral.objects.values_list("pk", "status")),
        "uploads": ImportUpload.objects.count(),
        "import runs": ImportRun.objects.count(),
    }


# --- The matrix ----------------------------------------------------------------------


def test_every_rule_and_skip_names_a_url_that_exists():
    endpoints, skipped = url_map()
    names = {e.name for e in endpoints}
    assert not set(RULES) - names, f"rules for URLs that are gone: {set(RULES) - names}"
    assert not set(OWN) - names, f"positive controls for URLs that are gone: {set(OWN) - names}"
    assert set(SKIPPED_NAMES) <= set(skipped), "skips for URLs that are gone"
    assert "admin:*" in skipped


def check_list_page(world: World, role: str, client: Client, name: str) -> list[str]:
    """A page with no object in its address lists the user's own organisations' things:
    it may answer (following redirects), but must name nothing of school B or service Y."""
    failures = []
    url = reverse(name)
    for method in ("GET", "POST"):
        response = (
            client.get(url, follow=True) if method == "GET" else client.post(url, follow=True)
        )
        if response.status_code >= 500:
            failures.append(f"{role} {method} {url}: {response.status_code}")
        if found := leaked(world, response.content):
            failures.append(f"{role} {method} {url}: the page shows {found}")
    return failures


def check_case(
    world: World, role: str, client: Client, name: str, rule: Rule, case: Case, method: str
) -> list[str]:
    """Ask for B's or Y's real object and for each fake: refused, and all alike."""
    failures = []
    data = rule.form(world) if method == "POST form" else None
    answers = []
    for target in (case.real, *case.fakes):
        url = target.url(name)
        answer = ask(client, method.split()[0], url, data)
        answers.append(answer)
        where = f"{role} {method} {name} ({case.what}) {url}"
        if role == "anonymous":
            if answer.status != 302 or answer.location != reverse("login"):
                failures.append(f"{where}: {answer}, not sent to sign in")
        elif answer.status not in (403, 404) and not (
            rule.post_only and method == "GET" and answer.status == 405
        ):
            failures.append(f"{where}: {answer}, not 403 or 404")
        if found := leaked(world, answer.body):
            failures.append(f"{where}: the page shows {found}")
    real, *fakes = answers
    for target, fake in zip(case.fakes, fakes, strict=True):
        if (fake.status, fake.location, fake.body) != (real.status, real.location, real.body):
            failures.append(
                f"{role} {method} {name} ({case.what}) leaks existence: {case.real.url(name)} "
                f"answers {real} but {target.url(name)} answers {fake}"
                + (" (the pages differ)" if fake.status == real.status else "")
            )
    return failures


def test_the_matrix_refuses_every_object_of_another_organisation(world, record_property):
    endpoints = endpoints_with_rules()
    clients = signed_in_clients(world)
    before = snapshot()
    failures: list[str] = []
    combinations = 0

    for role, client in clients.items():
        for endpoint in endpoints:
            name, rule = endpoint.name, RULES[endpoint.name]
            if role == "installer" and name in INSTALLATION_PAGES:
                continue
            if rule.cases is None:
                failures += check_list_page(world, role, client, name)
                combinations += 2
                continue
            methods = ["GET", "POST", *(["POST form"] if rule.form else [])]
            for case in rule.cases(world):
                for method in methods:
                    failures += check_case(world, role, client, name, rule, case, method)
                    combinations += 1 + len(case.fakes)

    record_property(MATRIX_PROPERTY, combinations)
    print(f"authorisation matrix: {combinations} combinations")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
    assert snapshot() == before, "a refused request changed something"
    assert combinations > 1000
    assert {*USERS, "anonymous"} == set(clients)


# --- The positive control: the same users open their own organisation's pages ----------

A_STAFF = ("a_attendance_officer", "a_school_leader", "a_school_admin", "a_org_admin")
A_OFFICER = ("a_attendance_officer",)
A_ADMINS = ("a_school_admin", "a_org_admin")
X_STAFF = ("x_caseworker", "x_service_manager")
X_MANAGER = ("x_service_manager",)
PROSECUTORS = ("prosecutions_officer",)


def own_service(w: World) -> Target:
    return Target({"org_id": w.service_x.pk})


def own_case(w: World) -> Target:
    return Target({"pk": w.case_x.pk})


@dataclass(frozen=True)
class Own:
    roles: tuple[str, ...]
    target: Callable[[World], Target]
    form: Callable[[World], dict[str, Any]] | None = None  # POST this instead of a GET


def own_school(query: str = "") -> Callable[[World], Target]:
    return lambda w: Target({"code": w.school_a.code}, query)


def own_student(query: Callable[[World], str] = lambda w: "") -> Callable[[World], Target]:
    return lambda w: Target(
        {"code": w.school_a.code, "national_id": w.student_a.national_id}, query(w)
    )


INSTALLER = ("installer",)
A_ADMIN_AND_INSTALLER = (*A_ADMINS, *INSTALLER)


def a_person(w: World) -> Target:
    return Target(
        {"org_id": w.school_a.organisation.pk, "user_id": w.users["a_attendance_officer"].pk}
    )


OWN: dict[str, list[Own]] = {
    "home": [Own(tuple(u for u in USERS if u not in INSTALLER), lambda w: Target({}))],
    "organisations": [Own(INSTALLER, lambda w: Target({}))],
    "organisation_add": [Own(INSTALLER, lambda w: Target({"kind": "service"}))],
    "organisation_edit": [
        Own(INSTALLER, lambda w: Target({"org_id": w.school_a.organisation.pk})),
        Own(INSTALLER, own_service),
    ],
    "people": [
        Own(A_ADMIN_AND_INSTALLER, lambda w: Target({"org_id": w.school_a.organisation.pk})),
        Own(("x_org_admin", *INSTALLER), own_service),
    ],
    "member": [Own(A_ADMIN_AND_INSTALLER, a_person)],
    "member_end": [Own(A_ADMIN_AND_INSTALLER, a_person)],
    "member_two_factor_reset": [Own(A_ADMIN_AND_INSTALLER, a_person)],
    "imports": [Own(A_STAFF, own_school())],
    "upload": [Own(A_STAFF, lambda w: Target({"code": w.school_a.code, "pk": w.upload_a.pk}))],
    "upload_problems": [
        Own(A_STAFF, lambda w: Target({"code": w.school_a.code, "pk": w.upload_a.pk}))
    ],
    "school": [Own(A_STAFF, own_school())],
    "standings": [Own(A_STAFF, lambda w: Target({"code": w.school_a.code, "term_key": TERM_KEY}))],
    "student": [Own(A_STAFF, own_student(lambda w: f"term={TERM_KEY}"))],
    "queue": [Own(A_STAFF, own_school())],
    "responses": [Own(A_STAFF, own_school())],
    "response_add": [Own(A_OFFICER, own_student(lambda w: f"event={w.event_a.pk}"))],
    "response_correct": [
        Own(A_OFFICER, lambda w: Target({"code": w.school_a.code, "pk": w.response_a.pk}))
    ],
    "response_withdraw": [
        Own(A_OFFICER, lambda w: Target({"code": w.school_a.code, "pk": w.response_a.pk}))
    ],
    "descriptions": [Own(A_ADMINS, own_school())],
    "school_calendar": [Own(A_ADMINS, own_school())],
    "term_dates": [
        Own(A_ADMINS, lambda w: Target({"code": w.school_a.code, "term_key": TERM_KEY}))
    ],
    "description_add": [Own(A_ADMINS, own_school("type=conversation"))],
    "description_rename": [
        Own(A_ADMINS, lambda w: Target({"code": w.school_a.code, "pk": w.description_a.pk}))
    ],
    "description_change": [
        Own(
            A_ADMINS,
            lambda w: Target({"code": w.school_a.code, "pk": w.description_a.pk}),
            form=lambda w: {"action": "down"},
        )
    ],
    "referral_new": [Own(A_OFFICER, own_student())],
    "school_referrals": [Own(A_STAFF, own_school())],
    "service_inbox": [Own(X_STAFF, lambda w: Target({"org_id": w.service_x.pk}))],
    "referral": [Own(A_STAFF + X_STAFF, lambda w: Target({"pk": w.referral_a.pk}))],
    "audit_log": [
        Own(A_ADMINS, lambda w: Target({"org_id": w.school_a.organisation.pk})),
        Own(("x_org_admin", *X_MANAGER), lambda w: Target({"org_id": w.service_x.pk})),
    ],
    "audit_export": [
        Own(A_ADMINS, lambda w: Target({"org_id": w.school_a.organisation.pk})),
        Own(("x_org_admin", *X_MANAGER), lambda w: Target({"org_id": w.service_x.pk})),
    ],
    "early_warning": [Own(A_STAFF, own_school())],
    "dashboard": [Own(A_STAFF, own_school())],
    "dashboard_targets": [Own(A_ADMINS, own_school())],
    "ministry_export": [Own(A_STAFF, own_school())],
    "subject_access": [Own(A_ADMINS, own_student())],
    "api_tokens": [
        Own(A_ADMINS, lambda w: Target({"org_id": w.school_a.organisation.pk})),
        Own(("x_org_admin",), lambda w: Target({"org_id": w.service_x.pk})),
    ],
    "api_token_revoke": [
        Own(A_ADMINS, lambda w: Target({"org_id": w.school_a.organisation.pk, "pk": w.token_a.pk}))
    ],
    "referral_decide": [Own(X_MANAGER, lambda w: Target({"pk": w.referral_a.pk}))],
    "cases": [Own(X_STAFF, own_service)],
    "case_new": [Own(X_STAFF, own_service)],
    "transferred_cases": [Own(X_STAFF, own_service)],
    "transfer_import": [Own(X_MANAGER, own_service)],
    "tasks": [Own(X_STAFF, own_service)],
    "case": [Own(X_STAFF, own_case)],
    "case_chronology": [Own(X_STAFF, own_case)],
    "log_new": [Own(X_STAFF, own_case)],
    "person_new": [Own(X_STAFF, own_case)],
    "safety_new": [Own(X_STAFF, own_case)],
    "safety_withdraw": [
        Own(
            X_MANAGER,
            lambda w: Target({"pk": w.case_x.pk, "flag_pk": w.flag_x.pk}),
            form=lambda w: {},
        )
    ],
    "agency_new": [Own(X_STAFF, own_case)],
    "task_new": [Own(X_STAFF, own_case)],
    "task_done": [
        Own(
            X_MANAGER,
            lambda w: Target({"pk": w.case_x.pk, "task_pk": w.task_x.pk}),
            form=lambda w: {},
        )
    ],
    "case_status": [Own(X_STAFF, own_case)],
    "case_assign": [
        Own(X_MANAGER, own_case, form=lambda w: {"assign_to": w.users["x_caseworker"].pk})
    ],
    "case_attachment": [
        Own(
            X_STAFF,
            lambda w: Target({"pk": w.case_x.pk, "attachment_pk": w.attachment_x.pk}),
        )
    ],
    "case_letters": [Own(X_STAFF, own_case)],
    "letter_issue": [Own(X_STAFF, lambda w: Target({"pk": w.case_x.pk, "key": "non_enrolment_1"}))],
    "letter_download": [
        Own(X_STAFF, lambda w: Target({"pk": w.case_x.pk, "letter_pk": w.letter_x.pk}))
    ],
    "letter_sender": [Own((*X_MANAGER, "x_org_admin"), own_service)],
    "word_templates": [
        Own((*X_MANAGER, "x_org_admin"), own_service),
        Own(A_ADMINS, lambda w: Target({"org_id": w.school_a.organisation.pk})),
    ],
    "word_template_remove": [
        Own(
            X_MANAGER,
            lambda w: Target({"org_id": w.service_x.pk, "key": TEMPLATE_LETTER}),
            form=lambda w: {},
        )
    ],
    "student_letters": [Own(A_STAFF, own_student())],
    "student_certificates": [Own(A_STAFF, own_student())],
    "student_certificate_download": [
        Own(
            A_STAFF,
            lambda w: Target(
                {
                    "code": w.school_a.code,
                    "national_id": w.student_a.national_id,
                    "pk": w.certificate_a.pk,
                }
            ),
        )
    ],
    "case_certificates": [Own(X_STAFF, own_case)],
    "case_certificate_download": [
        Own(X_STAFF, lambda w: Target({"pk": w.case_x.pk, "certificate_pk": w.certificate_a.pk}))
    ],
    "case_readiness": [Own(X_STAFF, own_case)],
    "readiness_refer": [Own(X_STAFF, own_case, form=lambda w: {})],
    "readiness_put_right": [Own(X_STAFF, own_case)],
    "readiness_attest": [
        Own(X_STAFF, lambda w: Target({"pk": w.case_x.pk, "item_key": "crm_spoken"}))
    ],
    "readiness_cannot_contact": [
        Own(X_STAFF, lambda w: Target({"pk": w.case_x.pk, "person_pk": w.letter_x.person_id}))
    ],
    "person_edit": [
        Own(X_STAFF, lambda w: Target({"pk": w.case_x.pk, "person_pk": w.letter_x.person_id}))
    ],
    "person_end": [
        Own(X_STAFF, lambda w: Target({"pk": w.case_x.pk, "person_pk": w.letter_x.person_id}))
    ],
    "team_referrals": [Own(PROSECUTORS, lambda w: Target({"org_id": w.prosecutions.pk}))],
    "team_referral": [Own(PROSECUTORS, lambda w: Target({"pk": w.prosecution_x.pk}))],
    "team_referral_bundle": [Own(PROSECUTORS, lambda w: Target({"pk": w.prosecution_x.pk}))],
    "case_chronology_pdf": [Own(X_STAFF, own_case)],
    "case_bundle_pdf": [Own(X_STAFF, own_case)],
    "case_bundle_zip": [Own(X_STAFF, own_case)],
    "school_letter_new": [
        Own(
            A_OFFICER,
            lambda w: Target(
                {
                    "code": w.school_a.code,
                    "national_id": w.student_a.national_id,
                    "key": "school_notification",
                }
            ),
        )
    ],
    "school_letter_download": [
        Own(
            A_STAFF,
            lambda w: Target(
                {
                    "code": w.school_a.code,
                    "national_id": w.student_a.national_id,
                    "letter_pk": w.school_letter_a.pk,
                }
            ),
        )
    ],
    "school_letter_batches": [Own(A_STAFF, own_school())],
    "school_letter_batch": [
        Own(A_STAFF, lambda w: Target({"code": w.school_a.code, "pk": w.batch_a.pk}))
    ],
    "school_letter_batch_pdf": [
        Own(A_STAFF, lambda w: Target({"code": w.school_a.code, "pk": w.batch_a.pk}))
    ],
    "service_letter_batches": [Own(X_STAFF, own_service)],
    "service_letter_batch": [
        Own(X_STAFF, lambda w: Target({"org_id": w.service_x.pk, "pk": w.batch_x.pk}))
    ],
    "service_letter_batch_pdf": [
        Own(X_STAFF, lambda w: Target({"org_id": w.service_x.pk, "pk": w.batch_x.pk}))
    ],
}


def test_the_same_users_open_their_own_organisations_pages(world):
    endpoints = endpoints_with_rules()
    clients = signed_in_clients(world)
    failures: list[str] = []
    for endpoint in endpoints:
        if endpoint.name not in OWN:
            pytest.fail(f"add a positive control for {endpoint.name}")
        for own in OWN[endpoint.name]:
            target = own.target(world)
            url = target.url(endpoint.name)
            for role in own.roles:
                client = clients[role]
                if own.form is not None:
                    response = client.post(url, own.form(world), follow=True)
                else:
                    response = client.get(url, follow=True)
                final = response.redirect_chain[-1][0] if response.redirect_chain else url
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                if response.status_code != 200:
                    failures.append(f"{role} {url}: {response.status_code} at {final}")
                elif final.startswith((reverse("login"), "/two-factor/")):
                    failures.append(f"{role} {url}: sent to {final}")
                found = leaked(world, body)
                if role in INSTALLER:  # they list every organisation, school B's too
                    found = [s for s in found if s != world.school_b.name]
                if found:
                    failures.append(f"{role} {url} shows {found}")
    assert not failures, "\n".join(failures)


def test_no_organisation_role_opens_the_django_admin(world):
    for role, client in signed_in_clients(world).items():
        for url in ("/admin/", "/admin/schools/student/"):
            response = client.get(url)
            assert response.status_code == 302, (role, url, response.status_code)
            assert response["Location"].startswith("/admin/login/"), (role, url)


# --- Foreign ids smuggled into one's own forms ------------------------------------------


def y_user(w: World, username: str = "y_caseworker") -> int:
    """Return the id of one of service Y's staff, who never sign in here."""
    return w.service_y.memberships.get(user__username=username).user_id


def y_log_entry(w: World) -> int:
    return w.case_y.log.order_by("pk").values_list("pk", flat=True)[0]


def x_case_url(name: str, **more: Any) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"pk": w.case_x.pk, **more})


def a_url(name: str, student: bool = True) -> Callable[[World], str]:
    def url(w: World) -> str:
        args = [w.school_a.code, w.student_a.national_id] if student else [w.school_a.code]
        return reverse(name, args=args)

    return url


CATCHMENT = "Select one of the attendance services whose catchment includes Kōwhai College"
NOT_A_WORKER = "Choose one of the service&#x27;s caseworkers"
LOG_FORM = {"kind": "phone", "happened_at": "2026-11-20T10:00", "outcome": "no_answer"}


@dataclass(frozen=True)
class Smuggled:
    what: str
    role: str
    url: Callable[[World], str]  # one's own object's address
    form: Callable[[World], dict[str, Any]]  # with another organisation's object in it
    refusal: str  # what the form with errors says, or "404"


# Every write about a student, case or letter whose form names another object: school A's
# and service X's users post school B's or service Y's objects to their own forms.
SMUGGLED = [
    Smuggled("B's threshold event in A's queue", "a_attendance_officer",
             a_url("queue", student=False), lambda w: response_form(w, events=[w.event_b.pk]),
             "Select students from the queue"),
    Smuggled("B's threshold event in A's response", "a_attendance_officer",
             a_url("response_add"), lambda w: response_form(w, event=w.event_b.pk),
             "Select one of the student’s thresholds, or none"),
    Smuggled("B's Description in A's response", "a_attendance_officer",
             a_url("response_add"), lambda w: response_form(w, event=w.event_a.pk),
             "Select one of the school’s descriptions"),
    Smuggled("a school as the service of A's referral", "a_attendance_officer",
             a_url("referral_new"),
             lambda w: {"service": w.school_b.organisation.pk, "reason": "chronic_absence",
                        "summary": "To a school, not a service"},
             CATCHMENT),
    Smuggled("service Y, whose catchment holds B only, for A's referral", "a_attendance_officer",
             a_url("referral_new"),
             lambda w: {"service": w.service_y.pk, "reason": "chronic_absence",
                        "summary": "To a service that does not cover school A"},
             CATCHMENT),
    Smuggled("Y's caseworker for the case of A's referral", "x_service_manager",
             lambda w: reverse("referral_decide", args=[w.referral_a.pk]),
             lambda w: {"decision": "accept", "assign_to": y_user(w)}, NOT_A_WORKER),
    Smuggled("Y's caseworker for X's new case", "x_service_manager",
             lambda w: reverse("case_new", args=[w.service_x.pk]),
             lambda w: {"reason": "not_enrolled", "given_name": "From", "family_name": "Outside",
                        "assign_to": y_user(w)},
             NOT_A_WORKER),
    Smuggled("Y's manager for X's case", "x_service_manager", x_case_url("case_assign"),
             lambda w: {"assign_to": y_user(w, "y_manager")}, NOT_A_WORKER),
    Smuggled("Y's caseworker for X's task", "x_caseworker", x_case_url("task_new"),
             lambda w: {"title": "From outside", "due_on": "2026-11-30",
                        "assigned_to": y_user(w)},
             NOT_A_WORKER),
    Smuggled("Y's caregiver in X's log entry", "x_caseworker", x_case_url("log_new"),
             lambda w: {**LOG_FORM, "people": [w.letter_y.person_id]},
             "Choose people on this case"),
    Smuggled("Y's log entry corrected from X's case", "x_caseworker", x_case_url("log_new"),
             lambda w: {**LOG_FORM, "corrects": y_log_entry(w)}, "404"),
    Smuggled("Y's caregiver in X's safety flag", "x_caseworker", x_case_url("safety_new"),
             lambda w: {"kind": "dogs", "note": "Outside", "person": w.letter_y.person_id},
             "Choose a person on this case"),
    Smuggled("Y's log entry as evidence on X's checklist", "x_caseworker",
             x_case_url("readiness_attest", item_key="crm_spoken"),
             lambda w: {"answer": "spoken", "happened_on": "2026-11-19", "note": "Outside",
                        "evidence": y_log_entry(w)},
             "Choose an entry of this case&#x27;s log"),
    Smuggled("Y's case in X's letter batch", "x_caseworker",
             lambda w: reverse("service_letter_batches", args=[w.service_x.pk]),
             lambda w: batch_form(w, letter="non_enrolment_1", cases=[w.case_y.pk]),
             "Select cases of this service only"),
]  # fmt: skip


@pytest.mark.parametrize("smuggled", SMUGGLED, ids=lambda s: s.what)
def test_another_organisations_object_in_ones_own_form_is_refused(world, smuggled):
    client = signed_in_clients(world)[smuggled.role]
    theirs = (world.school_b.organisation, world.service_y)
    told = AuditEvent.objects.filter(organisation__in=theirs).count()
    before = {k: v for k, v in snapshot().items() if k != "audit events"}
    # A refusal shows the form again, or (assigning a case) the case page with the message.
    response = client.post(smuggled.url(world), smuggled.form(world), follow=True)
    html = response.content.decode()
    if smuggled.refusal == "404":
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 400), (response.status_code, html[:300])
        assert smuggled.refusal in html, html
    assert not leaked(world, response.content)
    # Nothing written; one's own views of one's own records are audited, never B's or Y's.
    assert {k: v for k, v in snapshot().items() if k != "audit events"} == before
    assert AuditEvent.objects.filter(organisation__in=theirs).count() == told


# --- A student both schools may see: each sees only its own records of them ------------


def test_a_student_who_moved_schools_shows_school_a_none_of_school_bs_records(world):
    """Rangi left school A after Term 3; school B holds a caregiver, a response and a referral."""
    clients = signed_in_clients(world)
    a, nid = world.school_a.code, world.mover.national_id
    pages = [
        ("a_attendance_officer", "GET", reverse("student", args=[a, nid]) + "?term=2026T3"),
        ("a_attendance_officer", "GET", reverse("student", args=[a, nid]) + f"?term={TERM_KEY}"),
        ("a_attendance_officer", "GET", reverse("response_add", args=[a, nid])),
        ("a_attendance_officer", "GET", reverse("referral_new", args=[a, nid])),
        ("a_attendance_officer", "GET", reverse("school_referrals", args=[a])),
        ("a_attendance_officer", "GET", reverse("responses", args=[a])),
        ("a_school_admin", "GET", reverse("subject_access", args=[a, nid])),
        ("a_school_admin", "POST", reverse("subject_access", args=[a, nid])),
        ("a_school_admin", "GET", reverse("audit_export", args=[world.school_a.organisation.pk])),
        ("x_caseworker", "GET", reverse("service_inbox", args=[world.service_x.pk])),
    ]
    for role, method, url in pages:
        client = clients[role]
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == 200, (role, method, url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        texts = [body]
        if body.startswith(b"PK"):  # a zip: look inside every file
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                texts = [archive.read(name) for name in archive.namelist()]
                assert texts, url
        for text in texts:
            assert not leaked(world, text), (role, method, url, leaked(world, text))
