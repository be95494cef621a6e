"""A manager takes a referral; a caseworker works the case; the manager reviews caseloads.

Debian's Chromium through Playwright, as in tests/front/test_browser.py.
"""

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from stepwise.cases.transfers import import_transfers
from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

from .test_transfers import GOOD, HEAD

pytestmark = [pytest.mark.browser]


def record(page: Page, kind: str, when: str, outcome: str, notes: str = "") -> None:
    page.get_by_label("What kind of contact or event?").select_option(label=kind)
    page.get_by_label("When did it happen?").fill(when)
    page.get_by_label(outcome, exact=True).check()
    if notes:
        page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name=re.compile("^Record")).click()


def test_a_referral_becomes_a_worked_case(
    transactional_db, live_server, page, referral, manager, caseworker, service
):
    console: list[ConsoleMessage] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    import_transfers(("\n".join([HEAD, *GOOD]) + "\n").encode(), file_name="t.csv",
                     service=service, by=manager)  # fmt: skip

    # The manager finds the referral at the top of the inbox, with why, and accepts it.
    sign_in(page, "manager", confirmed_device(manager))
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals inbox")
    row = page.get_by_role("table", name="1 referral waiting").get_by_role("row").nth(1)
    expect(row).to_contain_text("Aroha Ngata")
    expect(row).to_contain_text("Missed 29 days this term")
    row.get_by_role("link", name="Decide on Aroha Ngata").click()
    page.get_by_label("Accept and open a case").check()
    page.get_by_label("Assign the case to (when accepting)").select_option(
        label="Caseworker Person"
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(
        page.get_by_text(re.compile(r"Referral accepted: case C\d{4}-\d{5} is open"))
    ).to_be_visible()
    case_url = page.url
    page.get_by_role("button", name="Sign out").click()

    # The caseworker logs a failed call, then a home visit recorded wrongly and corrected,
    # on the morning the case opened (nothing in its log may be dated before that day).
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(case_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aroha Ngata")
    page.get_by_role("link", name="Record contact").click()
    record(page, "Phone call", "2026-11-24T07:30", "No answer", "Rang the mobile twice.")
    expect(page.get_by_text("Recorded in the engagement log.")).to_be_visible()

    page.get_by_role("link", name="Raise a safety flag").click()
    page.get_by_label("Dogs").check()
    page.get_by_label("Address (if the concern is about a place)").fill("1 Example Street")
    page.get_by_label("What should a colleague know before visiting?").fill("Two dogs loose.")
    page.get_by_role("button", name="Raise the flag").click()

    # The visit form shows the flag before anything else.
    page.get_by_role("link", name="Plan or record a home visit").click()
    flags = page.get_by_role("region", name="Safety flags")
    expect(flags).to_contain_text("Two dogs loose.")
    expect(flags).to_contain_text("community constable")
    expect(page.get_by_label("What kind of contact or event?")).to_have_value("home_visit")
    record(page, "Home visit", "2026-11-24T08:00", "Not found", "Nobody home.")
    expect(page.locator("#refusal-signal")).to_have_count(0)

    correct = re.compile("^Correct this entry of 24 November 2026, 08:00")
    page.get_by_role("link", name=correct).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct an entry")
    page.get_by_label("Refused to engage", exact=True).check()
    page.get_by_label("Notes").fill("Mother answered and refused; I chose the wrong outcome.")
    page.get_by_role("button", name="Record the correction").click()
    log = page.locator(".sw-log")
    expect(log.locator(".sw-log__entry--superseded")).to_contain_text("Home visit: not found")
    expect(log).to_contain_text("Home visit: refused to engage")

    # A third unsuccessful attempt: the configured three make the refusal signal show.
    page.get_by_role("link", name="Record contact").click()
    record(page, "Text message", "2026-11-24T08:30", "Message left")
    expect(page.locator("#refusal-signal")).to_contain_text(
        "The family is not engaging: 3 unsuccessful or refused contacts"
    )
    page.get_by_role("button", name="Sign out").click()

    # The manager sees the caseloads and the transferred cases to review. Their code
    # from this morning was used: the app refuses a code twice, so move to the next one.
    device = confirmed_device(manager)
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    sign_in(page, "manager", device)
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    page.get_by_label("Cases", exact=True).select_option("team")
    page.get_by_role("button", name="Filter").click()
    caseloads = page.get_by_role("table", name="Open cases by caseworker")
    expect(caseloads.get_by_role("row").filter(has_text="Caseworker Person")).to_contain_text("1")
    expect(page.locator("#caseload")).to_contain_text("Aroha Ngata")
    page.get_by_role("link", name="Transferred cases to review").click()
    review = page.locator("#transferred")
    expect(review).to_contain_text("Mere Tautahi")
    expect(review).to_contain_text("Refusal to engage")
    expect(review).to_contain_text("Letters sent")

    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    assert errors == []
