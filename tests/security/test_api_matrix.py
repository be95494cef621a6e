"""The authorisation matrix for the API: every token, session and none × every API URL.

The rules are in api_rules.py. A token acts for its own organisation only: school
B's objects answer 404 exactly as objects that do not exist; a session (a signed-in
person) is not an API token and gets 401, as does a request with no token at all.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from stepwise.api.models import EdFiCodeMapping
from stepwise.audit.models import AuditEvent
from stepwise.register.models import ImportRun, RegisterTerm
from stepwise.schools.models import Caregiver, Student
from tests.conftest import MATRIX_PROPERTY

from .api_rules import (
    API_RULES,
    API_SKIPPED,
    ApiCase,
    caregivers_body,
    edfi_body,
    roster_body,
)
from .test_authorisation_matrix import leaked, signed_in_clients, snapshot, url_map
from .world import TERM_KEY, World

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "POST body", "PUT body")
FIRST, LAST = "2026-10-12", "2026-11-20"  # Term 4 2026 up to the world's today


def token_clients(world: World) -> dict[str, Client]:
    return {
        key: Client(raise_request_exception=False, headers={"Authorization": f"Bearer {secret}"})
        for key, secret in world.api_secrets.items()
    }


def ask(client: Client, method: str, url: str, body: Any) -> tuple[int, bytes]:
    if method == "GET":
        response = client.get(url)
    elif method == "POST":
        response = client.post(url)
    else:
        send = client.post if method.startswith("POST") else client.put
        response = send(url, json.dumps(body), content_type="application/json")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content


def api_names() -> set[str]:
    """Return every API URL name (the main matrix hands them all to this one)."""
    endpoints, skipped = url_map()
    names = {e.name for e in endpoints} | set(skipped)
    return {n for n in names if n.startswith(("api:", "api_docs"))}


def test_every_api_url_has_a_rule_or_a_reason():
    names = api_names()
    assert names - set(API_SKIPPED) == set(API_RULES), (
        f"add API rules for {sorted(names - set(API_SKIPPED) - set(API_RULES))}; "
        f"rules for URLs that are gone: {sorted(set(API_RULES) - names)}"
    )


def check(world: World, role: str, client: Client, rule_name: str, case: ApiCase) -> list[str]:
    failures = []
    rule = API_RULES[rule_name]
    body = rule.body(world) if rule.body else None
    is_token = role in world.api_secrets
    for method in METHODS:
        if method.endswith("body") and body is None:
            continue
        answers = []
        for url in (case.real, *case.fakes):
            status, content = ask(client, method, url, body)
            answers.append((status, content))
            where = f"{role} {method} {rule_name} ({case.what}) {url}"
            allowed = {404, 405} if is_token else {401, 405}
            if method == "POST" and is_token:
                # An empty body is refused (400 or 422) before anything is looked up.
                allowed |= {400, 422}
            if status not in allowed:
                failures.append(f"{where}: {status}, not one of {sorted(allowed)}")
            if found := leaked(world, content):
                failures.append(f"{where}: the answer shows {found}")
        real, *fakes = answers
        for url, fake in zip(case.fakes, fakes, strict=True):
            if fake != real:
                failures.append(
                    f"{role} {method} {rule_name} leaks existence: {case.real} answers "
                    f"{real[0]} but {url} answers {fake[0]}"
                )
    return failures


def api_snapshot() -> dict[str, Any]:
    """Return what a refused API request must not have changed, besides snapshot()'s."""
    return {
        **snapshot(),
        "students": sorted(Student.objects.values_list("national_id", "given_name")),
        "caregivers": Caregiver.objects.count(),
        "import runs": ImportRun.objects.count(),
        "register rows": sorted(RegisterTerm.objects.values_list("pk", "marks")),
        "ed-fi mappings": EdFiCodeMapping.objects.count(),
    }


def test_the_api_refuses_every_object_of_another_organisation(world, record_property):
    clients = {**signed_in_clients(world), **token_clients(world)}
    before = api_snapshot()
    failures: list[str] = []
    combinations = 0
    for role, client in clients.items():
        for name, rule in API_RULES.items():
            if rule.cases is None:
                status, content = ask(client, "GET", reverse(name), None)
                combinations += 1
                if status >= 500 or leaked(world, content):
                    failures.append(f"{role} GET {name}: {status} {leaked(world, content)}")
                continue
            for case in rule.cases(world):
                failures += check(world, role, client, name, case)
                combinations += len(METHODS) * (1 + len(case.fakes))
    record_property(MATRIX_PROPERTY, combinations)
    print(f"API authorisation matrix: {combinations} combinations")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
    assert api_snapshot() == before, "a refused request changed something"
    assert combinations > 1000


# --- The positive control: school A's token reaches school A ----------------------------


def test_school_as_token_reaches_school_as_endpoints_and_nothing_of_bs(world):
    client = token_clients(world)["a_token"]
    a, nid = world.school_a.code, world.student_a.national_id
    gets = [
        reverse("api:schools"),
        reverse("api:school", args=[a]),
        reverse("api:edfi_mappings", args=[a]),
        reverse("api:standings", args=[a, TERM_KEY]),
        reverse("api:standings_export", args=[a, TERM_KEY]) + "?format=parquet",
        reverse("api:ministry_export_table", args=[a, "responses"]) + f"?from={FIRST}&to={LAST}",
        reverse("api:threshold_events", args=[a]),
        reverse("api:early_warning", args=[a]) + f"?term={TERM_KEY}&as_of=2026-11-20",
        reverse("api:responses", args=[a]),
        # Rangi Moana left school A after Term 3: A's token sees A's records of Rangi only.
        reverse("api:responses", args=[a]) + f"?student_id={world.mover.national_id}",
    ]  # fmt: skip
    failures = []
    for url in gets:
        status, content = ask(client, "GET", url, None)
        if status != 200 or leaked(world, content):
            failures.append(f"GET {url}: {status} {leaked(world, content)}")
    day = {"student_id": nid, "date": "2026-11-20", "session": "AM", "code": "P"}
    posts = [
        ("POST body", reverse("api:push_marks", args=[a]), {"rows": [day]}, 200),
        ("PUT body", reverse("api:edfi_mappings_replace", args=[a]),
         {"mappings": [{"descriptor": "Unexcused Absence", "code": "T"}]}, 200),
        ("POST body", reverse("api:response_add", args=[a]),
         {"student_id": nid, "response_type": "conversation", "happened_on": "2026-11-20",
          "done_by": "A Officer", "threshold_event_id": world.event_a.pk}, 201),
    ]  # fmt: skip
    for method, url, body, expected in posts:
        status, content = ask(client, method, url, body)
        if status != expected or leaked(world, content):
            failures.append(f"{method} {url}: {status} {content[:300]!r}")
    schools = json.loads(ask(client, "GET", reverse("api:schools"), None)[1])
    assert [s["code"] for s in schools] == [a]
    # Service X's token reads service X's cases.
    x_cases = reverse("api:service_cases", args=[world.service_x.pk])
    status, content = ask(token_clients(world)["x_token"], "GET", x_cases, None)
    if status != 200 or leaked(world, content):
        failures.append(f"x_token GET {x_cases}: {status} {leaked(world, content)}")
    assert not failures, "\n".join(failures)


# --- Another organisation's objects in a write to one's own address ----------------------


def b_nid(w: World) -> str:
    return w.student_b.national_id


def response_to(nid: str, **more: Any) -> dict[str, Any]:
    return {"student_id": nid, "response_type": "conversation", "happened_on": LAST,
            "done_by": "A Officer", **more}  # fmt: skip


def oneroster(w: World, nid: str) -> dict[str, bytes]:
    """A OneRoster upload for school A listing one student, with no birth date."""
    users = "sourcedId,givenName,familyName,identifier,grades,primaryOrgSourcedId\n"
    return {
        "orgs": f"sourcedId,name,type,identifier\norg-a,A,school,{w.school_a.code}\n".encode(),
        "users": (users + f"u-1,Renamed,Outsider,{nid},08,org-a\n").encode(),
        "enrollments": (
            "sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role,beginDate,endDate\n"
            f"e-1,c-1,org-a,u-1,student,{FIRST},\n"
        ).encode(),
    }


# Each case: what is smuggled, the address (school A's own), and the body for a national id
# (school B's student's, or one nobody holds): each must be refused, and alike.
SMUGGLED: list[tuple[str, str, Callable[[World, str], Any]]] = [
    ("B's student in a response", "api:response_add", lambda w, nid: response_to(nid)),
    ("B's threshold event in a response", "api:response_add",
     lambda w, nid: response_to(w.student_a.national_id, threshold_event_id=w.event_b.pk)),
    ("B's Description in a response", "api:response_add",
     lambda w, nid: response_to(w.student_a.national_id, description_id=w.description_b.pk)),
    ("B's student in marks", "api:push_marks",
     lambda w, nid: {"rows": [{"student_id": nid, "date": LAST, "session": "AM", "code": "T"}]}),
    ("B's student in caregivers", "api:push_caregivers",
     lambda w, nid: {**caregivers_body(w), "rows": [{**caregivers_body(w)["rows"][0],
                                                     "student_id": nid}]}),
    ("B's student in Ed-Fi events", "api:push_edfi",
     lambda w, nid: [{**edfi_body(w)[0], "schoolReference": {"schoolId": w.school_a.code},
                      "studentReference": {"studentUniqueId": nid}}]),
    ("B's student without a birth date in OneRoster", "api:push_oneroster", oneroster),
]  # fmt: skip
NOBODY = "999999999"


def send(client: Client, url: str, body: Any) -> tuple[int, bytes]:
    if isinstance(body, dict) and all(isinstance(v, bytes) for v in body.values()):
        files = {name: SimpleUploadedFile(f"{name}.csv", data) for name, data in body.items()}
        response = client.post(url, files)
        return response.status_code, response.content
    return ask(client, "POST body", url, body)


def test_a_token_writing_about_another_schools_objects_at_its_own_address_is_refused(world):
    """School A's token names school B's student, event or Description in A's own writes."""
    client = token_clients(world)["a_token"]
    url_of = {name: reverse(name, args=[world.school_a.code]) for _, name, _ in SMUGGLED}
    before = api_snapshot()
    failures = []
    for what, name, body in SMUGGLED:
        real = send(client, url_of[name], body(world, b_nid(world)))
        fake = send(client, url_of[name], body(world, NOBODY))
        if real[0] != 422:
            failures.append(f"{what}: {real[0]} {real[1][:300]!r}, not 422")
        if found := leaked(world, real[1]):
            failures.append(f"{what}: the answer shows {found}")
        if (real[0], real[1].replace(b_nid(world).encode(), b"ID")) != (
            fake[0],
            fake[1].replace(NOBODY.encode(), b"ID"),
        ):
            failures.append(f"{what} leaks existence: {real} but {fake} for nobody's id")
    assert not failures, "\n".join(failures)
    after = api_snapshot()
    # A refused import is recorded as such (its run says why), and changes nothing else.
    refused = ImportRun.objects.order_by("-pk")[: after["import runs"] - before["import runs"]]
    assert {run.outcome for run in refused} == {ImportRun.Outcome.REJECTED}
    assert {**after, "import runs": 0} == {**before, "import runs": 0}, "a refusal changed data"


def test_a_roster_push_naming_another_schools_student_changes_only_its_own_record(world):
    """A cross-school roster push: A gets a record of its own; B's record stays B's."""
    client = token_clients(world)["a_token"]
    b = world.student_b
    held = (b.given_name, b.family_name, b.birth_date, b.enrolments.get().year_level)
    b_audit = AuditEvent.objects.filter(organisation=world.school_b.organisation).count()
    status, content = ask(
        client, "POST body", reverse("api:push_roster", args=[world.school_a.code]),
        roster_body(world),
    )  # fmt: skip
    assert status == 200, content
    answer = json.loads(content)
    assert [w["field"] for w in answer["warnings"]] == ["rows[0].student_id"]
    assert not leaked(world, content)
    b.refresh_from_db()
    assert (b.given_name, b.family_name, b.birth_date, b.enrolments.get().year_level) == held
    ours = Student.objects.get(school=world.school_a, national_id=b.national_id)
    assert (ours.given_name, ours.family_name) == ("Renamed", "From Outside")
    assert Caregiver.objects.filter(student_links__student=ours).count() == 0
    # B's audit log is told its record was compared: one event, naming the pushing school.
    told = AuditEvent.objects.filter(organisation=world.school_b.organisation)
    assert told.count() == b_audit + 1
    assert world.school_a.code in told.order_by("-pk")[0].detail
