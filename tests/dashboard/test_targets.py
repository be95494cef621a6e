"""Term targets: the school's admins set them; everyone else may only read them."""

from decimal import Decimal

import pytest

from stepwise.audit.models import AuditEvent
from stepwise.schools.models import TermTarget

from .conftest import sign_in

URL = "/schools/NZ-2001/dashboard/targets/"


def targets(school) -> dict[str, Decimal]:
    return {t.term.key: t.regular_percent for t in TermTarget.objects.filter(term__school=school)}


def test_an_admin_sets_the_targets_of_the_year(admin_client, school):
    form = admin_client.get(URL)
    assert form.status_code == 200
    assert 'name="target-2026T4"' in form.content.decode()
    response = admin_client.post(
        URL,
        {
            "target-2026T1": "",
            "target-2026T2": "70",
            "target-2026T3": "75.5",
            "target-2026T4": "85%",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/schools/NZ-2001/dashboard/"
    assert targets(school) == {
        "2026T2": Decimal("70.0"),
        "2026T3": Decimal("75.5"),
        "2026T4": Decimal("85.0"),
    }
    assert AuditEvent.objects.filter(action="change", object_type="term_target").count() == 3

    page = admin_client.get(response["Location"])
    assert "The targets have been saved." in page.content.decode()
    assert [float(r.target) for r in page.context["year"]] == [80.0, 70.0, 75.5, 85.0]

    # Emptying a term goes back to the default; an unchanged form changes nothing.
    admin_client.post(URL, {"target-2026T2": "70", "target-2026T3": "75.5", "target-2026T4": ""})
    assert targets(school) == {"2026T2": Decimal("70.0"), "2026T3": Decimal("75.5")}
    admin_client.post(URL, {"target-2026T2": "70", "target-2026T3": "75.5", "target-2026T4": ""})
    assert AuditEvent.objects.filter(action="change", object_type="term_target").count() == 4


# (what the admin typed, the message)
BAD = [
    ("eighty", "Enter the target as a number, like 85 or 85.5"),
    ("101", "Enter a target between 0 and 100"),
    ("-5", "Enter a target between 0 and 100"),
    ("85.25", "Enter the target to at most one decimal place, like 85.5"),
    ("NaN", "Enter a target between 0 and 100"),
]


@pytest.mark.parametrize(("typed", "message"), BAD)
def test_a_bad_target_is_refused_with_a_clear_message(admin_client, school, typed, message):
    response = admin_client.post(URL, {"target-2026T4": typed, "target-2026T3": "70"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Term 4 2026: {message}" in html  # the error summary
    assert "govuk-error-summary" in html
    assert targets(school) == {}  # nothing is saved while any field is wrong


@pytest.mark.parametrize("who", ["leader", "officer"])
def test_only_admins_change_targets(client, school, request, who):
    sign_in(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"target-2026T4": "99"}).status_code == 403
    assert targets(school) == {}
    dashboard = client.get("/schools/NZ-2001/dashboard/").content.decode()
    assert "Change the targets" not in dashboard
    assert "The school’s admins set the targets" in dashboard


def test_the_admin_finds_the_form_from_the_dashboard(admin_client):
    html = admin_client.get("/schools/NZ-2001/dashboard/").content.decode()
    assert (
        '<a class="govuk-link" href="/schools/NZ-2001/dashboard/targets/">Change the targets'
        in html
    )
