"""An officer checks a figure and refers a student; the service's manager finds it in the inbox.

Debian's Chromium through Playwright, as in tests/front/test_browser.py.
"""

import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import confirmed_device

from .conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
]


def sign_in(page: Page, username: str, device=None) -> None:
    """Sign in with a password, and with a code from `device` for case staff."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        expect(page).to_have_url(re.compile(r"/two-factor/"))
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
        page.get_by_role("button", name="Continue").click()


def test_an_officer_refers_a_student_and_the_service_sees_it(
    transactional_db, live_server, officer, manager, students, page
):
    console: list[ConsoleMessage] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, "officer")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/schools/NZ-0427/students/100000001/?term=2026T4")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aroha Ngata")

    # "How is this worked out?" beside days absent: the rule, the sum and the sessions.
    explain = page.locator("#explain-days_absent")
    first_session = explain.get_by_role("listitem").filter(
        has_text="Monday 12 October 2026, morning: M"
    )
    expect(first_session).to_be_hidden()
    explain.get_by_text("How is this worked out?").click()
    expect(explain.get_by_text("58 absent half-days ÷ 2 = 29 days.")).to_be_visible()
    expect(first_session).to_be_visible()
    sessions = explain.locator("ol > li")
    expect(sessions).to_have_count(58)

    page.get_by_role("button", name="Refer to attendance services").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Refer Aroha Ngata to attendance services"
    )
    page.get_by_label("Kōwhai Attendance Service").check()
    page.get_by_label("Chronic absence").check()
    page.get_by_role("button", name="Send referral").click()
    # The summary is required: the error summary names it and links to the field.
    summary_error = page.get_by_role("link", name="Enter a summary of why you are referring")
    expect(summary_error).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    summary_error.click()
    expect(page.get_by_label("Summary")).to_be_focused()
    page.get_by_label("Summary").fill("Absent every day of Term 4; three letters unanswered.")
    page.get_by_role("button", name="Send referral").click()

    expect(
        page.get_by_text("Aroha Ngata has been referred to Kōwhai Attendance Service.")
    ).to_be_visible()
    expect(page.get_by_text("Submitted")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The service's manager passes the second factor and starts at the inbox.
    sign_in(page, "manager", confirmed_device(manager))
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals inbox")
    expect(page.get_by_role("link", name="Referrals inbox")).to_have_attribute(
        "aria-current", "true"
    )
    inbox = page.get_by_role("table", name="1 referral waiting")
    row = inbox.get_by_role("row").filter(has_text="Aroha Ngata")
    expect(row).to_contain_text("Kōwhai College")
    expect(row).to_contain_text("Chronic absence")
    expect(row).to_contain_text("Absent every day of Term 4; three letters unanswered.")
    expect(row).to_contain_text("Submitted")
    row.get_by_role("link", name="Aroha Ngata", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aroha Ngata")
    expect(page.get_by_text("Referral to Kōwhai Attendance Service")).to_be_visible()

    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    assert errors == []


def test_an_officer_whose_school_no_service_covers_is_told_why(
    transactional_db, live_server, officer, other_service, students, page
):
    """The Harbour service covers other schools only: the form offers nothing, and says why."""
    sign_in(page, "officer")
    page.goto("/schools/NZ-0427/students/100000001/refer/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Refer Aroha Ngata to attendance services"
    )
    expect(
        page.get_by_text("No attendance service’s catchment includes Kōwhai College yet")
    ).to_be_visible()
    expect(page.get_by_text("Harbour Attendance Service")).to_have_count(0)
    expect(page.get_by_role("button", name="Send referral")).to_have_count(0)
    # The way back is a link a keyboard reaches.
    back = page.get_by_role("link", name="Back to Aroha Ngata").last
    back.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aroha Ngata")
