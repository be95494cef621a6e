"""Tasks and advice that must follow the record as it changes.

Aroha's case (tests/readiness) was opened sixty days ago with a first-contact task due
three days later.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stepwise.readiness.selectors import case_readiness
from stepwise.readiness.services import referral_make
from tests.conftest import confirmed_device
from tests.readiness.conftest import *  # noqa: F403
from tests.readiness.conftest import TODAY, at, attempt, send
from tests.referrals.test_browser import sign_in


def first_contact(case):
    return case.tasks.get(title="First contact with the family")


def test_the_first_contact_task_is_done_once_a_contact_is_logged(case, caseworker):
    assert first_contact(case).done_at is None
    attempt(case, caseworker, 5, "phone", "no_answer")
    task = first_contact(case)
    assert task.done_at is not None and task.done_by == caseworker
    up_to_date = {r.item.key: r for r in case_readiness(case, TODAY).results}["up_to_date"]
    assert up_to_date.state == "met", up_to_date.reason


def test_a_note_is_not_a_contact(case, caseworker):
    from stepwise.cases.services import log_entry_record

    log_entry_record(case=case, by=caseworker, kind="note", notes="Read the school's file.",
                     happened_at=at(TODAY), now=at(TODAY))  # fmt: skip
    assert first_contact(case).done_at is None


def test_the_advice_follows_the_letters_and_the_referral(login, ready_case, caseworker):
    attempt(ready_case, caseworker, 3, "home_visit", "refused")  # two refusals: not engaging
    referral_make(case=ready_case, by=caseworker, now=at(TODAY, 11))
    send(ready_case, caseworker, 4, 0)
    page = login(caseworker).get(reverse("case", args=[ready_case.pk])).content.decode()
    assert "The family is not engaging" in page
    assert "start the non-engagement letters" not in page
    assert "Letters 1, 3 and 4 have gone, and a referral to the Ministry Prosecutions team" in page


@pytest.mark.browser
def test_the_caseworker_logs_a_call_and_the_first_contact_task_is_done(
    transactional_db, live_server, page, case, caseworker
):
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(reverse("case", args=[case.pk]))
    tasks = page.locator("#tasks + ul")
    expect(tasks).to_contain_text("First contact with the family")
    expect(tasks).to_contain_text("Overdue")
    page.get_by_role("link", name="Record contact").click()
    page.get_by_label("What kind of contact or event?").select_option(label="Phone call")
    page.get_by_label("When did it happen?").fill(f"{TODAY.isoformat()}T09:30")
    page.get_by_label("No answer", exact=True).check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded in the engagement log.")).to_be_visible()
    expect(page.get_by_text("No open tasks.")).to_be_visible()


def test_the_migration_closes_first_contact_tasks_of_cases_already_contacted(case, caseworker):
    import importlib

    from django.apps import apps

    from stepwise.cases.models import LogEntry

    migration = importlib.import_module(
        "stepwise.cases.migrations.0005_close_first_contact_tasks_after_contact"
    )
    # A contact logged before logging closed the task: written as the old code wrote it.
    logged = LogEntry.objects.create(
        case=case, kind="phone", outcome="no_answer", happened_at=at(TODAY, 9),
        recorded_at=at(TODAY, 10), recorded_by=caseworker,
    )  # fmt: skip
    assert first_contact(case).done_at is None
    migration.close_tasks(apps, None)
    task = first_contact(case)
    assert (task.done_at, task.done_by) == (logged.recorded_at, caseworker)
