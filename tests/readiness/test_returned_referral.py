"""A referral the team returns for more information: the service sees it, and must act.

The team's note says what must change. Until the service records what it put right,
the checklist is not ready and the case cannot be referred again; once recorded, it
may be resubmitted, and the new referral is the live one.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from playwright.sync_api import expect

from stepwise.cases.models import ProsecutionReferral
from stepwise.cases.services import task_done
from stepwise.readiness.models import Attestation
from stepwise.readiness.selectors import case_readiness
from stepwise.readiness.services import attestation_record, referral_make, referral_status_set
from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

from .conftest import TODAY, at

NOTE = "The minutes of the attendance meeting are missing: add them to the log."


@pytest.fixture
def returned(ready_case, caseworker, prosecutor) -> ProsecutionReferral:
    first = referral_make(case=ready_case, by=caseworker, now=at(TODAY, 11))
    return referral_status_set(
        referral=first, by=prosecutor, status="returned", note=NOTE, now=at(TODAY, 15)
    )


def put_right(case, by, note="Minutes added to the log from the meeting of 12 November."):
    return attestation_record(
        case=case, by=by, item_key="put_right", answer="put_right", happened_on=TODAY,
        note=note, now=at(TODAY, 16),
    )  # fmt: skip


def test_the_service_sees_the_return_its_note_and_that_the_case_is_not_ready(
    login, ready_case, caseworker, returned
):
    page = login(caseworker).get(reverse("case_readiness", args=[ready_case.pk])).content.decode()
    assert "Ready to refer: nothing is missing" not in page
    assert "Returned for more information" in page
    assert NOTE in page
    assert reverse("readiness_put_right", args=[ready_case.pk]) in page
    assert 'disabled aria-disabled="true"' in page  # the refer button waits
    found = case_readiness(ready_case, TODAY)
    assert found.returned is not None and found.returned.note == NOTE
    assert not found.ready


def test_the_case_cannot_be_referred_again_until_what_was_put_right_is_recorded(
    ready_case, caseworker, returned
):
    with pytest.raises(ValidationError, match="what the team asked for"):
        referral_make(case=ready_case, by=caseworker, now=at(TODAY, 17))
    assert ProsecutionReferral.objects.count() == 1
    put_right(ready_case, caseworker)
    again = referral_make(case=ready_case, by=caseworker, now=at(TODAY, 17))
    assert again.status == "submitted" and again.pk != returned.pk
    found = case_readiness(ready_case, TODAY)
    assert found.referral == again and found.returned is None


def test_recording_what_was_put_right_from_the_page(login, ready_case, caseworker, returned):
    client = login(caseworker)
    url = reverse("readiness_put_right", args=[ready_case.pk])
    form = client.get(url).content.decode()
    assert NOTE in form  # what the team asked for, beside the form
    refused = client.post(url, {"happened_on": TODAY.isoformat(), "note": ""})
    assert refused.status_code == 400
    assert not Attestation.objects.filter(item_key="put_right").exists()
    done = client.post(url, {"happened_on": TODAY.isoformat(), "note": "Minutes added."})
    assert done.status_code == 302
    for task in ready_case.tasks.filter(done_at__isnull=True):  # letter 4's, due since
        task_done(task=task, by=caseworker)
    page = client.get(reverse("case_readiness", args=[ready_case.pk])).content.decode()
    assert "Minutes added." in page
    assert "Ready to refer again: nothing is missing" in page


def test_nothing_is_put_right_when_no_referral_was_returned(ready_case, caseworker):
    with pytest.raises(ValidationError, match="No referral of this case was returned"):
        put_right(ready_case, caseworker)


@pytest.mark.browser
def test_the_team_returns_a_referral_and_the_service_puts_it_right_and_refers_again(
    transactional_db, live_server, page, ready_case, caseworker, prosecutor
):
    first = referral_make(case=ready_case, by=caseworker, now=at(TODAY, 11))
    for task in ready_case.tasks.filter(done_at__isnull=True):  # letter 4's: sent by post
        task_done(task=task, by=caseworker)

    sign_in(page, "prosecutor", confirmed_device(prosecutor))
    page.goto(reverse("team_referral", args=[first.pk]))
    page.get_by_label("Returned for more information").check()
    page.get_by_label("Decision note").fill(NOTE)
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text("Status changed. The service can see it.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{ready_case.pk}/")
    banner = page.get_by_role("region", name="Returned for more information")
    expect(banner).to_contain_text(NOTE)  # on the case page, where the checklist loads
    expect(page.locator("#readiness-summary")).to_contain_text("Not ready to refer again")
    page.get_by_role("link", name="Referral readiness").first.click()
    expect(
        page.get_by_role("button", name="Refer to the Ministry Prosecutions team")
    ).to_be_disabled()
    page.get_by_role("region", name="Returned for more information").get_by_role(
        "link", name="record what you have put right"
    ).click()
    page.get_by_label("When").fill(TODAY.isoformat())
    page.get_by_label("What was put right, and where it is on the record").fill(
        "Minutes of the meeting of 12 November added to the log."
    )
    page.get_by_role("button", name="Record").click()
    expect(page.locator("#readiness-summary")).to_have_text(
        "Ready to refer again: nothing is missing."
    )
    page.get_by_role("button", name="Refer to the Ministry Prosecutions team").click()
    expect(page.get_by_text("Referred to Ministry Prosecutions team.")).to_be_visible()
    assert ProsecutionReferral.objects.filter(case=ready_case).count() == 2
