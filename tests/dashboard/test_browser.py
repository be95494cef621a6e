"""A school leader opens the dashboard in a real browser: Debian's Chromium via Playwright."""

import re

import pytest
from playwright.sync_api import ConsoleMessage, expect

from .conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
]


def test_a_leader_sees_the_dashboard_charts_render(transactional_db, live_server, leader, page):
    console: list[ConsoleMessage] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/")
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance dashboard")
    chart = page.get_by_role("img", name=re.compile(r"^Regular attendance by term, 2026"))
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    expect(
        page.get_by_role("img", name=re.compile(r"^Students in each tier week by week"))
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Absence by day of the week"))).to_be_visible()

    # The figures behind a chart are one click away.
    page.get_by_text("Absence by day of the week as a table").click()
    table = page.locator("#weekdays-table")
    expect(table.get_by_role("row", name=re.compile(r"^Monday 80 20 25\.0%$"))).to_be_visible()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Early warning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Early warning")
    expect(page.get_by_role("link", name="Kingi, Wiremu")).to_be_visible()

    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    assert errors == []
