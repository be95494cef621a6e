"""A school admin changes the school's calendar in a real browser, by keyboard.

Sets a term's first day within the Ministry's range (after a refusal outside it), closes
a day that already has marks (they are listed and must be confirmed), closes an
afternoon, and reopens the day. axe-core checks every page (tests/axe.py). Screenshots
go to /tmp/calendar-shots/ for a person to look at.
"""

import re
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Locator, Page, expect

from stepwise.accounts.models import Membership
from stepwise.audit.models import AuditEvent
from stepwise.schools.models import ClosureDay
from tests.conftest import confirmed_device
from tests.referrals.conftest import add_member

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/calendar-shots")
TABS = 80  # more than the controls on any of these pages


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus: it is reachable by keyboard."""
    for _ in range(TABS):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} is not reachable with Tab")


def type_date(page: Page, first: Locator, day: str, month: str, year: str) -> None:
    """Type a GOV.UK date input's three boxes from the keyboard, Tab between them."""
    tab_to(page, first)
    for i, part in enumerate((day, month, year)):
        page.keyboard.press("Control+A")
        page.keyboard.type(part)
        if i < 2:
            page.keyboard.press("Tab")


def test_a_school_admin_changes_the_calendar_by_keyboard(
    transactional_db, live_server, school, page
):
    admin = add_member("schooladmin", school.organisation, Membership.Role.SCHOOL_ADMIN)
    device = confirmed_device(admin)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/")
    page.get_by_label("Username").fill("schooladmin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # An administrator's role needs the code from their authenticator app too.
    expect(page).to_have_url(re.compile(r"/two-factor/"))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Continue").click()

    menu = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Calendar")
    tab_to(page, menu)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Term dates and closure days")
    shot(page, "1-calendar")

    # A term's first day: outside the range first, then within it.
    tab_to(page, page.get_by_role("link", name="Change the dates of Term 1 2027"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Term 1 2027")
    type_date(page, page.get_by_role("group", name="First day of the term").get_by_label("Day"),
              "18", "1", "2027")  # fmt: skip
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("between 1 February 2027 and 3 February 2027")
    shot(page, "2-term-refused")
    type_date(page, page.get_by_role("group", name="First day of the term").get_by_label("Day"),
              "3", "2", "2027")  # fmt: skip
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Term dates and closure days")
    expect(page.get_by_text(re.compile("now runs from 3 February 2027"))).to_be_visible()
    expect(page.get_by_role("rowheader", name="Term 1 2027").locator("..")).to_contain_text(
        "Wednesday 3 February 2027"
    )

    # A day with marks: refused, the marks listed, closed once the admin confirms.
    close = page.get_by_role("group", name="Day the school is closed").get_by_label("Day")
    type_date(page, close, "20", "11", "2026")
    tab_to(page, page.get_by_label("Reason"))
    page.keyboard.type("Teacher-only day")
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Friday 20 November 2026 already has 8 recorded marks")
    expect(summary).to_contain_text("100000001 AM T; 100000001 PM T")
    confirm = page.get_by_label(re.compile("Keep the marks on record"))
    expect(confirm).to_be_visible()
    shot(page, "3-marks-listed")
    assert not ClosureDay.objects.filter(date="2026-11-20").exists()
    tab_to(page, confirm)
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Close the school"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("8 recorded marks kept, not counted"))).to_be_visible()
    closures = page.get_by_role("table", name="Days the school is closed in these terms")
    expect(closures.get_by_role("row", name=re.compile("Friday 20 November 2026"))).to_contain_text(
        "Whole day"
    )

    # An afternoon: the session chosen with the arrow keys, as radios are.
    type_date(page, close, "27", "11", "2026")
    tab_to(page, page.get_by_label("Whole day"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Afternoon")).to_be_checked()
    tab_to(page, page.get_by_label("Reason"))
    page.keyboard.type("Staff meeting")
    page.keyboard.press("Enter")
    expect(
        page.get_by_text(re.compile("closed on the afternoon of Friday 27 November 2026"))
    ).to_be_visible()
    row = closures.get_by_role("row", name=re.compile("Friday 27 November 2026"))
    expect(row).to_contain_text("Afternoon")
    expect(row).to_contain_text("Staff meeting")
    shot(page, "4-half-day")

    # Reopen the whole day closed above, with a reason.
    tab_to(page, page.get_by_label("Why it is a school day again").first)
    page.keyboard.type("Closed in error")
    tab_to(page, page.get_by_role("button", name="Reopen 20 November 2026"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("open on Friday 20 November 2026 again"))).to_be_visible()
    expect(closures.get_by_role("row", name=re.compile("20 November 2026"))).to_have_count(0)
    shot(page, "5-reopened")

    details = list(
        AuditEvent.objects.filter(object_type="calendar", username="schooladmin")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert [d.split(" ")[0] for d in details] == ["Set", "Closed", "Closed", "Reopened"]
    assert details[2].startswith("Closed 2026-11-27 PM")
    assert errors == []
