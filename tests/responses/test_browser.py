"""The officer's morning and the admin's rename, in a real browser (Debian's Chromium)."""

import csv
import io
import re
import zipfile

import pytest
import time_machine
from django_otp.oath import TOTP
from playwright.sync_api import ConsoleMessage, Page, expect

from stepwise.responses.services import response_record
from tests.conftest import confirmed_device

from .conftest import NOW, PASSWORD, TODAY

pytestmark = pytest.mark.browser


def watch(page: Page) -> tuple[list[ConsoleMessage], list[str]]:
    console: list[ConsoleMessage] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return console, errors


def sign_in(page: Page, username: str, device=None) -> None:
    """Sign in with a password, and with a code from `device` for admins."""
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        expect(page).to_have_url(re.compile(r"/two-factor/"))
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def assert_quiet(console: list[ConsoleMessage], errors: list[str]) -> None:
    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    assert errors == []


def test_the_officers_morning(transactional_db, live_server, officer, page):
    console, errors = watch(page)
    sign_in(page, "officer")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Threshold queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Threshold queue")
    table = page.get_by_role("table", name="Waiting for a response")
    expect(table.get_by_role("row")).to_have_count(8)  # the heading row and seven waiting
    expect(table.get_by_role("row").nth(1)).to_contain_text("Cooper, Ben")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Critical")

    # One student: the record form, opened from the queue with Ben's threshold chosen.
    table.get_by_role(
        "link", name="Record a response for Ben Cooper (100000002), 5 days absent this term"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a response")
    expect(page.get_by_role("radio", name="5 days absent this term")).to_be_checked()
    description = page.get_by_label("Description of Sent written communication")
    expect(description).to_be_hidden()  # revealed only with its type
    page.get_by_role("radio", name="Sent written communication").check()
    expect(description).to_be_visible()
    description.select_option(label="Sent notification to whānau")
    expect(page.get_by_label("Day", exact=True)).to_have_value("20")
    expect(page.get_by_label("Who did it")).to_have_value("Hana Smith")
    page.get_by_label("Private notes (optional)").fill("Mum will call back.")
    page.get_by_role("button", name="Record the response").click()

    expect(page.get_by_role("alert")).to_contain_text("Response recorded for Ben Cooper")
    expect(table.get_by_role("row")).to_have_count(7)
    expect(table).not_to_contain_text("Cooper, Ben")

    # Three at once: the same notification to three families.
    for name in ("Mere Walker (100000003, year 9)", "Sam Lee (100000004, year 9)",
                 "Tui Parata (100000005, year 11)"):  # fmt: skip
        page.get_by_label(f"Select {name}, 5 days absent this term").check()
    page.get_by_role("radio", name="Sent written communication").check()
    page.get_by_label("Description of Sent written communication").select_option(
        label="Sent escalated notification to whānau"
    )
    page.get_by_role("button", name="Record for selected students").click()

    # Nothing is saved until the officer has seen how many, and who.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record this response for 3 students?"
    )
    chosen = page.get_by_role("table", name="The 3 students")
    expect(chosen.get_by_role("rowheader")).to_have_text(
        ["Lee, Sam", "Parata, Tui", "Walker, Mere"]
    )
    page.get_by_role("button", name="Record for 3 students").click()

    expect(page.get_by_role("alert")).to_contain_text("Response recorded for 3 students")
    expect(table.get_by_role("row")).to_have_count(4)  # Aroha's three thresholds are left
    for name in ("Walker, Mere", "Lee, Sam", "Parata, Tui"):
        expect(table).not_to_contain_text(name)

    page.get_by_role("link", name="Responses recorded in Term 4 2026").click()
    recorded = page.get_by_role("table", name="Responses recorded in Term 4 2026")
    expect(recorded.get_by_role("row")).to_have_count(5)
    expect(recorded).to_contain_text("Sent written communication: Sent notification to whānau")
    # Ben's and Mere's were overdue; Sam's and Tui's are in time.
    expect(recorded.get_by_text("In time for its threshold")).to_have_count(2)
    expect(recorded.get_by_text("Late for its threshold")).to_have_count(2)
    assert_quiet(console, errors)


def test_an_officer_signs_in_to_the_days_work(transactional_db, live_server, officer, page):
    console, errors = watch(page)
    sign_in(page, "officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Threshold queue")
    work = page.get_by_role("region", name=re.compile("Today’s work"))
    expect(work).to_contain_text("4 critical")
    expect(work).to_contain_text("1 overdue")
    work.get_by_role("link", name="4 critical").click()
    expect(page).to_have_url(re.compile(r"status=critical"))
    table = page.get_by_role("table", name=re.compile("Waiting for a response"))
    expect(table.get_by_role("row")).to_have_count(5)  # the heading row and four critical
    expect(table.get_by_role("columnheader", name="Due by")).to_be_visible()
    assert_quiet(console, errors)


def test_a_mistake_is_shown_in_the_error_summary(transactional_db, live_server, officer, page):
    console, errors = watch(page)
    sign_in(page, "officer")
    page.goto("/schools/NZ-0427/students/100000002/responses/new/")
    page.get_by_role("radio", name="Sent written communication").check()
    page.get_by_label("Day", exact=True).fill("21")
    page.get_by_role("button", name="Record the response").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Select a description for ‘Sent written communication’",
            "Date the response happened must be today or in the past",
        ]
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link", name=re.compile("today or in the past")).click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()
    assert_quiet(console, errors)


def test_the_admin_renames_a_description_and_the_earlier_record_keeps_its_words(
    transactional_db, live_server, school, students, officer, admin, page
):
    response_record(
        school=school,
        student=students["Ben"],
        threshold_event=students["Ben"].threshold_events.get(threshold="amp5"),
        response_type="written_communication",
        description=school.descriptions.get(text="Sent notification to whānau"),
        happened_on=TODAY,
        done_by="Hana Smith",
        recorded_by=officer,
        now=NOW,
    )
    console, errors = watch(page)
    sign_in(page, "admin", confirmed_device(admin))

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Descriptions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Descriptions")
    page.get_by_role("link", name="Rename ‘Sent notification to whānau’").click()
    page.get_by_label("Description").fill("Sent attendance letter to whānau")
    page.get_by_role("button", name="Save the new wording").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Description renamed to ‘Sent attendance letter to whānau’"
    )
    written = page.get_by_role("table", name="Descriptions for Sent written communication")
    expect(written.get_by_role("rowheader").first).to_have_text("Sent attendance letter to whānau")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Threshold queue").click()
    page.get_by_role("link", name="Responses recorded in Term 4 2026").click()
    recorded = page.get_by_role("table", name="Responses recorded in Term 4 2026")
    expect(recorded).to_contain_text("Cooper, Ben")
    expect(recorded).to_contain_text("Sent written communication: Sent notification to whānau")
    expect(recorded).not_to_contain_text("attendance letter")
    assert_quiet(console, errors)


def test_a_recorded_response_is_corrected_and_the_original_is_kept_and_shown(
    transactional_db, live_server, officer, page
):
    console, errors = watch(page)
    sign_in(page, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Threshold queue").click()
    table = page.get_by_role("table", name="Waiting for a response")
    table.get_by_role(
        "link", name="Record a response for Ben Cooper (100000002), 5 days absent this term"
    ).click()
    page.get_by_role("radio", name="Sent written communication").check()
    page.get_by_label("Description of Sent written communication").select_option(
        label="Sent notification to whānau"
    )
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_role("alert")).to_contain_text("Response recorded for Ben Cooper")
    expect(table).not_to_contain_text("Cooper, Ben")

    # It was a phone call, not a letter: correct it from the term's responses.
    page.get_by_role("link", name="Responses recorded in Term 4 2026").click()
    page.get_by_role("link", name="Correct the response of 20 November 2026 for Ben Cooper").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct a response")
    expect(page.locator("#correcting")).to_contain_text("Sent notification to whānau")
    expect(page.get_by_role("radio", name="5 days absent this term")).to_be_checked()
    page.get_by_role("radio", name="Conversation with whānau").check()
    page.get_by_label("Description of Conversation with whānau").select_option(
        label="Initial conversation with whānau"
    )
    page.get_by_label("Why it is corrected").fill("It was a phone call, not a letter")
    page.get_by_role("button", name="Record the correction").click()

    expect(page.get_by_role("alert")).to_contain_text("Correction recorded for Ben Cooper")
    history = page.get_by_role("table", name="Responses recorded for Ben Cooper")
    rows = history.get_by_role("row")
    expect(rows).to_have_count(3)  # the heading row, the correction and the original
    correction = rows.filter(has_text="Initial conversation with whānau")
    expect(correction).to_contain_text("Correction")
    expect(correction).to_contain_text("It was a phone call, not a letter")
    expect(correction).to_contain_text("Late for its threshold")  # reached 16 October
    original = rows.filter(has_text="Sent notification to whānau")
    expect(original).to_contain_text("Corrected")
    expect(original).not_to_contain_text("for its threshold")  # it no longer counts
    expect(original.get_by_role("link", name=re.compile("^Correct"))).to_have_count(0)

    # The threshold is still answered: Ben stays out of the queue.
    page.get_by_role("link", name="Back to the threshold queue").click()
    expect(page.get_by_role("table", name="Waiting for a response")).not_to_contain_text(
        "Cooper, Ben"
    )
    assert_quiet(console, errors)


def test_the_nz_officers_morning_agrees_on_a_responses_timeliness_everywhere(
    transactional_db, live_server, officer, page
):
    """Sign in, answer Sam's threshold from the day's work, correct it: every page agrees.

    Sam reached 5 days absent on Wednesday 18 November: due by the end of Friday 20th,
    today. Recorded today and corrected today, it is answered in time on the queue, the
    school's responses, the student's page, the dashboard and in the Ministry export.
    """
    with time_machine.travel(NOW, tick=True):
        console, errors = watch(page)
        sign_in(page, "officer")
        expect(page.get_by_role("heading", level=1)).to_have_text("Threshold queue")
        table = page.get_by_role("table", name="Waiting for a response")
        sam = table.get_by_role("row").filter(has_text="Lee, Sam")
        expect(sam).to_contain_text("Wed 18 Nov")
        expect(sam).to_contain_text("Fri 20 Nov")  # due by
        expect(sam).to_contain_text("Due")
        mere = table.get_by_role("row").filter(has_text="Walker, Mere")
        expect(mere).to_contain_text("Overdue")  # reached Tuesday: due by Thursday

        sam.get_by_role("link", name=re.compile("^Record a response for Sam Lee")).click()
        page.get_by_role("radio", name="Sent written communication").check()
        page.get_by_label("Description of Sent written communication").select_option(
            label="Sent notification to whānau"
        )
        page.get_by_role("button", name="Record the response").click()
        expect(page.get_by_role("alert")).to_contain_text("Response recorded for Sam Lee")
        expect(table).not_to_contain_text("Lee, Sam")

        # It was a phone call: correct it. The correction keeps the first recording's day.
        page.get_by_role("link", name="Responses recorded in Term 4 2026").click()
        page.get_by_role(
            "link", name="Correct the response of 20 November 2026 for Sam Lee"
        ).click()
        page.get_by_role("radio", name="Conversation with whānau").check()
        page.get_by_label("Description of Conversation with whānau").select_option(
            label="Initial conversation with whānau"
        )
        page.get_by_label("Why it is corrected").fill("It was a phone call, not a letter")
        page.get_by_role("button", name="Record the correction").click()
        expect(page.get_by_role("alert")).to_contain_text("Correction recorded for Sam Lee")
        history = page.get_by_role("table", name="Responses recorded for Sam Lee")
        correction = history.get_by_role("row").filter(has_text="Initial conversation")
        expect(correction).to_contain_text("In time for its threshold")

        # The queue: Sam is answered, Mere still overdue.
        page.get_by_role("link", name="Back to the threshold queue").click()
        table = page.get_by_role("table", name="Waiting for a response")
        expect(table).not_to_contain_text("Lee, Sam")
        expect(table.get_by_role("row").filter(has_text="Walker, Mere")).to_contain_text("Overdue")

        # The student's page: due by Friday, answered in time.
        page.goto("/schools/NZ-0427/students/100000004/")
        event = page.locator(".sw-event").filter(has_text="5 days absent this term")
        expect(event).to_contain_text("due by Friday 20 November 2026")
        expect(event).to_contain_text("Answered in time")

        # The dashboard: of five 5-day thresholds, Sam's is the one answered in time; Tui's
        # (reached today) is still in time; Aroha's, Ben's and Mere's are overdue.
        page.goto("/schools/NZ-0427/dashboard/")
        coverage = page.get_by_role("table", name="Threshold events and their responses")
        cells = coverage.get_by_role("row").nth(1).get_by_role("cell")  # 5 days absent
        expect(cells).to_have_text(["5", "1", "0", "1", "3", "20.0%"])

        # The Ministry export: the correction stands, due by the 20th, answered in time.
        page.get_by_label("First day").fill("2026-10-12")
        page.get_by_label("Last day").fill("2026-11-20")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the export").click()
        with zipfile.ZipFile(download.value.path()) as archive:
            rows = list(csv.DictReader(io.StringIO(archive.read("responses.csv").decode())))
        assert [
            (r["student_id"], r["description"], r["due_by"], r["answered_in_time"]) for r in rows
        ] == [("100000004", "Initial conversation with whānau", "2026-11-20", "yes")]
        assert_quiet(console, errors)
