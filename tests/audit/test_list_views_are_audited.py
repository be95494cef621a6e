"""Every list of children is a read of each child's record: one audit entry per view, naming them.

The world of the access tests (tests/security/world.py): school A's staff open their
lists, service X's staff theirs, the prosecutions team its referred cases. Each view
writes exactly one entry, on behalf of the viewer's organisation, naming the children
the page showed (students by id for a school's lists and the referral inbox, cases by
id for a service's and a team's), and no child the page did not show.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from stepwise.audit.models import AuditEvent
from stepwise.dashboard.selectors import early_warning
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.responses.selectors import term_responses, unanswered_events
from stepwise.schools.models import Student
from tests.conftest import sign_in
from tests.security.world import (
    A_STUDENTS,
    TERM_KEY,
    TERM_START,
    TODAY,
    World,
    csv_bytes,
    school_days,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Listing:
    name: str  # the URL's name
    user: str  # who opens it (tests/security/world.py USERS)
    args: Callable[[World], list]
    shown: Callable[[World], set[str]]  # the children the page shows, as "kind:id"
    query: str = ""
    setup: Callable[[World], None] = lambda w: None  # more children, where the world has none


def recently_absent(w: World) -> None:
    """Add a student to school A who missed the last four school days: on course for five."""
    code, nid = w.school_a.code, "100000009"
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,"
            "enrolled_from,enrolled_to",
            [f"{code},{nid},Mikaere,Soon,2013-03-04,9,2026-02-02,"],
        ),
        file_name="late-roster.csv",
    )
    days = school_days(TERM_START, TODAY)
    marks = [
        f"{code},{nid},{day.isoformat()},{session},{'T' if day in days[-4:] else 'P'}"
        for day in days
        for session in ("AM", "PM")
    ]
    import_register(
        csv_bytes("school_id,student_id,date,session,code", marks), file_name="late.csv"
    )


def students(*pks: int) -> set[str]:
    return {f"student:{pk}" for pk in pks}


def cases(*pks: int) -> set[str]:
    return {f"case:{pk}" for pk in pks}


def school_a_students() -> dict[str, int]:
    """Return school A's students in Term 4 by given name (Rangi left after Term 3)."""
    found = Student.objects.filter(national_id__in=[s[0] for s in A_STUDENTS])
    return dict(found.values_list("given_name", "pk"))


def school_a(w: World) -> list:
    return [w.school_a.code]


def service_x(w: World) -> list:
    return [w.service_x.pk]


LISTINGS = [
    Listing(
        "standings",
        "a_attendance_officer",
        lambda w: [w.school_a.code, TERM_KEY],
        lambda w: students(*school_a_students().values()),
    ),
    Listing(
        "standings",
        "a_school_leader",
        lambda w: [w.school_a.code, TERM_KEY],
        lambda w: students(w.student_a.pk),
        query="q=Aroha",
    ),
    Listing(
        "queue",
        "a_attendance_officer",
        school_a,
        lambda w: students(*unanswered_events(w.term_a).values_list("student_id", flat=True)),
    ),
    Listing(
        "early_warning",
        "a_school_leader",
        school_a,
        lambda w: students(
            *(x.student.pk for x in early_warning(w.school_a, w.term_a, as_of=TODAY))
        ),
        setup=recently_absent,
    ),
    Listing(
        "responses",
        "a_school_leader",
        school_a,
        lambda w: students(*(r.student_id for r in term_responses(w.school_a, w.term_a))),
    ),
    Listing("school_referrals", "a_school_leader", school_a, lambda w: students(w.student_a.pk)),
    Listing("service_inbox", "x_service_manager", service_x, lambda w: students(w.student_a.pk)),
    Listing("cases", "x_caseworker", service_x, lambda w: cases(w.case_x.pk), query="view=team"),
    Listing("tasks", "x_service_manager", service_x, lambda w: cases(w.case_x.pk)),
    Listing(
        "team_referrals",
        "prosecutions_officer",
        lambda w: [w.prosecutions.pk],
        lambda w: cases(w.case_x.pk),
    ),
]


@pytest.mark.parametrize(
    "listing",
    LISTINGS,
    ids=[f"{x.name}-{x.user}{'-' + x.query if x.query else ''}" for x in LISTINGS],
)
def test_each_list_view_writes_one_entry_naming_the_children_it_showed(world, listing):
    user = world.users[listing.user]
    client = sign_in(Client(), user)
    url = reverse(listing.name, args=listing.args(world))
    listing.setup(world)
    shown = listing.shown(world)
    assert shown, "the world should give this list children to show"
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client.get(f"{url}?{listing.query}" if listing.query else url)

    assert response.status_code == 200
    (event,) = AuditEvent.objects.filter(pk__gt=latest)
    assert (event.user, event.username, event.action) == (user, user.username, "list")
    assert event.organisation_id == user.memberships.get().organisation_id
    assert event.object_type == listing.name
    assert set(event.listed.split()) == shown


def test_a_list_names_no_child_it_did_not_show(world):
    """Filtered to one child, the standings name only that child, though the term has more."""
    client = sign_in(Client(), world.users["a_attendance_officer"])
    url = reverse("standings", args=[world.school_a.code, TERM_KEY])
    client.get(f"{url}?q=Sam")
    event = AuditEvent.objects.latest("pk")
    assert event.listed == f"student:{school_a_students()['Sam']}"
    assert "q=Sam" in event.detail
