"""A caseworker puts the people on a case right, in Debian's Chromium through Playwright."""

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

pytestmark = [pytest.mark.browser]


def watch(page: Page) -> tuple[list[ConsoleMessage], list[str]]:
    console: list[ConsoleMessage] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return console, errors


def test_a_duplicate_is_caught_a_record_changed_and_an_involvement_ended(
    transactional_db, live_server, page, case, caseworker
):
    console, errors = watch(page)
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{case.pk}/")
    people = page.get_by_role("table", name="People on the case")

    # Adding Hine again is caught before she is added twice.
    page.get_by_role("link", name="Add a caregiver or other carer").click()
    page.get_by_label("Caregiver", exact=True).check()
    page.get_by_label("Given name").fill("Hine")
    page.get_by_label("Family name").fill("Ngata")
    page.get_by_role("button", name="Add the person").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Hine Ngata is already on the case with the same name")
    expect(page.get_by_label("This is a different person: add them anyway")).not_to_be_checked()
    page.get_by_role("link", name="Back").click()
    expect(people.get_by_role("rowheader")).to_have_count(3)

    # Rawiri's address is found: his record changes, and what it said is kept.
    people.get_by_role("link", name="Change Rawiri Ngata’s record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Rawiri Ngata’s record")
    expect(
        page.get_by_role("group", name="Has parental responsibility").get_by_label("Yes")
    ).to_be_checked()
    page.get_by_label("Address").fill("22 Tōtara Road, Hamilton 3204")
    page.get_by_label("Why the record changes").fill("Address found through the school")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Rawiri Ngata’s record is changed")).to_be_visible()
    expect(people).to_contain_text("22 Tōtara Road, Hamilton 3204")
    people.get_by_role("link", name="Change Rawiri Ngata’s record").click()
    expect(page.get_by_text("Why: Address found through the school")).to_be_visible()

    # Then he no longer cares for Aroha: his involvement ends, and he stays on record.
    page.get_by_role("link", name="End Rawiri Ngata’s involvement with the case").click()
    page.get_by_label("Why does it end?").fill("Moved overseas; no longer in contact")
    page.get_by_role("button", name="End their involvement").click()
    expect(page.get_by_text("Rawiri Ngata is no longer involved")).to_be_visible()
    expect(people).not_to_contain_text("Rawiri Ngata")
    expect(page.locator("#former-people")).to_contain_text(
        re.compile(r"Rawiri Ngata \(father\): ended .* Moved overseas; no longer in contact")
    )
    # The refused form answered 400, as a refused form should; nothing else went wrong.
    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    assert errors == []
