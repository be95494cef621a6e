"""A caseworker sends letter 1 to both caregivers, and is stopped from sending letter 3 too soon.

Debian's Chromium through Playwright, as in tests/cases/test_browser.py.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from stepwise.cases.models import Case, LogEntry, Task
from stepwise.cases.services import case_open, person_add
from stepwise.letters.models import Letter
from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

pytestmark = [pytest.mark.browser]


def watch(page: Page) -> tuple[list[ConsoleMessage], list[str]]:
    console: list[ConsoleMessage] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return console, errors


def test_letter_one_goes_to_each_caregiver_as_its_own_pdf(
    transactional_db, live_server, page, case, caseworker, sender
):
    console, errors = watch(page)
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Send a letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters")
    ladder = page.locator("#ladder")
    expect(ladder.get_by_role("row").nth(3)).to_contain_text("Letter 1 has not been sent to Hine")
    page.get_by_role("link", name="Prepare letter 1").click()

    # The preview leads with Aroha's own numbers; both caregivers will get a letter.
    expect(page.locator("#verdict")).to_contain_text("This letter may be sent now.")
    expect(page.locator("#preview")).to_contain_text("Tēnā koe Hine Ngata,")
    expect(page.locator("#preview")).to_contain_text("Aroha has missed 29 of 29 school days")
    expect(page.locator("#recipients")).to_contain_text("Rawiri Ngata (does not live with")
    expect(page.get_by_label("School days missed this term")).to_have_value("29")
    page.get_by_label("Post").check()
    page.get_by_label("Why are you sending this letter?").fill(
        "three calls and a home visit went unanswered"
    )
    page.get_by_role("button", name="Send letter 1").click()

    expect(page.get_by_text("Letter 1 sent to Hine Ngata, Rawiri Ngata.")).to_be_visible()
    sent = page.locator("#sent-letters")
    expect(sent.get_by_role("row")).to_have_count(3)  # a header and two letters
    with page.expect_download() as download:
        sent.get_by_role("link", name=re.compile("letter 1 to Rawiri Ngata")).click()
    assert download.value.suggested_filename.endswith(".pdf")

    # Two PDFs, two log entries, one follow-up task made by Stepwise.
    assert Letter.objects.filter(case=case, step=1).count() == 2
    assert LogEntry.objects.filter(case=case, kind="letter").count() == 2
    assert (
        Task.objects.filter(case=case, created_by=None, title__startswith="Follow up").count() == 1
    )
    page.get_by_role("link", name="Back to the case").click()
    log = page.locator(".sw-log")
    expect(log).to_contain_text("Letter 1 (support and legal obligations) sent to Hine Ngata")
    expect(log).to_contain_text("Letter 1 (support and legal obligations) sent to Rawiri Ngata")
    expect(page.locator("form", has_text="Follow up letter 1 sent")).to_be_visible()

    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    assert errors == []


def test_letter_three_is_refused_until_confirmed_with_a_reason(
    transactional_db, live_server, page, case, caseworker, sender
):
    console, errors = watch(page)
    other = case_open(service=case.service, by=caseworker, reason=Case.Reason.CHRONIC_ABSENCE,
                      given_name="Tama", family_name="Rewi", birth_date=date(2013, 2, 1),
                      assign_to=caseworker, today=date(2026, 11, 20))  # fmt: skip
    person_add(case=other, role="caregiver", given_name="Ana", family_name="Rewi",
               parental_responsibility=True, lives_with_student=True,
               address="4 Kōwhai Lane, Hamilton")  # fmt: skip
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{other.pk}/letters/")
    page.get_by_role("link", name="Prepare letter 3").click()
    expect(page.locator("#verdict")).to_contain_text("Letter 1 has not been sent to Ana Rewi.")

    # No register for Tama here: the caseworker enters the numbers the letter opens with.
    page.get_by_label("School days missed this term").fill("14")
    page.get_by_label("School days so far this term").fill("29")
    page.get_by_label("Why are you sending this letter?").fill("no reply to letters")
    page.get_by_role("button", name="Send letter 3").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The ladder refuses this letter now: Letter 1 has not been sent to Ana Rewi. "
        "To send it anyway, say why"
    )
    assert not Letter.objects.filter(case=other).exists()

    page.get_by_label("This letter is refused now. To send it anyway, say why").fill(
        "The previous provider sent letter 1 in September; its copy is on file."
    )
    page.get_by_role("button", name="Send letter 3").click()
    expect(page.get_by_text("Letter 3 sent to Ana Rewi.")).to_be_visible()
    expect(page.locator("#sent-letters")).to_contain_text("Sent although refused")
    (letter,) = Letter.objects.filter(case=other)
    assert letter.step == 3
    assert letter.override_reason.startswith("The previous provider sent letter 1")
    assert "Letter 1 has not been sent to Ana Rewi." in letter.refused_because
    assert "Why: The previous provider sent letter 1" in letter.log_entry.notes

    # The refused send answered 400 (a form with errors), as every refused form does.
    problems = [
        m.text
        for m in console
        if m.type in ("error", "warning") and "status of 400 (Bad Request)" not in m.text
    ]
    assert problems == [], problems
    assert errors == []


def test_a_backdated_letter_shows_and_sends_the_figures_of_its_date(
    transactional_db, live_server, page, case, caseworker, sender
):
    console, errors = watch(page)
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{case.pk}/letters/")
    page.get_by_role("link", name="Prepare letter 1").click()
    expect(page.locator("#preview")).to_contain_text("Aroha has missed 29 of 29 school days")

    # Dated 19 October, the letter counts the term's first six school days only.
    page.get_by_label("Post").check()
    page.get_by_label("Why are you sending this letter?").fill("no answer to three calls")
    page.get_by_label("Date on the letter").fill("2026-10-19")
    page.get_by_role("button", name="Update the preview").click()
    expect(page.locator("#preview")).to_contain_text("Aroha has missed 6 of 6 school days")
    expect(page.get_by_label("School days missed this term")).to_have_value("6")
    expect(page.get_by_label("School days so far this term")).to_have_value("6")
    page.get_by_role("button", name="Send letter 1").click()
    expect(page.get_by_text("Letter 1 sent to Hine Ngata, Rawiri Ngata.")).to_be_visible()
    assert set(Letter.objects.values_list("sent_on", flat=True)) == {date(2026, 10, 19)}
    notes = LogEntry.objects.filter(case=case, kind="letter").values_list("notes", flat=True)
    assert all(" on 19 October 2026 by post" in n for n in notes) and len(notes) == 2

    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    assert errors == []
