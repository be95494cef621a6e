"""An attendance officer's first minute in a real browser: Debian's Chromium via Playwright."""

import re

import pytest
from playwright.sync_api import ConsoleMessage, expect

from .conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
]


def test_an_officer_finds_a_serious_case_and_reads_the_register(
    transactional_db, live_server, officer, page
):
    console: list[ConsoleMessage] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # One school: an officer lands on the day's work, then opens the standings.
    # Term 4 2026 holds the fixture's marks.
    expect(page.get_by_role("heading", level=1)).to_have_text("Threshold queue")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Standings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("standings")
    page.get_by_role("navigation", name="Terms").get_by_role("link", name="Term 4 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Term 4 2026 standings")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # GOV.UK Frontend's JavaScript ran (the module script is allowed by the CSP).
    expect(page.locator("body")).to_have_class(re.compile(r"govuk-frontend-supported"))

    page.get_by_label("Tier").select_option(label="Serious concern")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"tier=serious"))
    table = page.get_by_role("table", name=re.compile("Students matching the filters"))
    expect(table.get_by_role("row")).to_have_count(2)  # the heading row and Aroha's
    expect(page.get_by_text("Showing 1 of 4 students.")).to_be_visible()

    table.get_by_role("link", name="Ngata, Aroha").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aroha Ngata")
    calendar = page.get_by_role("table", name=re.compile("register for Term 4 2026$"))
    expect(calendar).to_be_visible()
    expect(calendar.get_by_role("columnheader", name="Wednesday")).to_be_visible()
    expect(calendar.get_by_role("rowheader", name="12 Oct")).to_be_visible()
    expect(
        calendar.get_by_role("cell", name=re.compile("Tuesday 13 October, morning: M, Illness"))
    ).to_be_visible()
    expect(calendar.get_by_text("Public holiday: Labour Day", exact=True)).to_be_visible()
    expect(page.get_by_text("Serious concern").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Stepwise")).to_be_visible()

    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    csp = [m.text for m in console if "Content Security Policy" in m.text]
    assert csp == [], csp
    assert errors == []
