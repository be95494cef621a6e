"""An attendance officer sends letter 1 to every caregiver of students over 10 days, watches
the batch's progress bar fill, then reads the summary and downloads one PDF to print.

Debian's Chromium through Playwright, as in tests/cases/test_browser.py. The test runs the
task worker itself (as `stepwise serve` does beside the server) once the batch is queued.
"""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from stepwise.letters.models import LetterBatch
from tests.referrals.test_browser import sign_in

from .test_batch_run import run_worker
from .test_browser import watch

pytestmark = [pytest.mark.browser]


def test_the_batch_page_shows_progress_then_the_summary(
    transactional_db, live_server, page: Page, evaluated, officer, school_sender
):
    console, errors = watch(page)
    sign_in(page, "officer")
    page.goto("/schools/NZ-0427/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Letter batches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letter batches")
    expect(page.locator("#batch-students")).to_have_text("1 student: Aroha Ngata.")
    expect(page.locator("#batch-left-out")).to_have_text(
        "1 student left out, as the ladder refuses letter 1 now:"
    )
    expect(page.get_by_role("listitem").filter(has_text="Ben Cooper")).to_have_text(
        "Ben Cooper: No caregiver with parental responsibility is recorded."
    )
    page.get_by_label("Hand-delivered").check()
    page.get_by_label("Why are you sending these letters?").fill("reached 10 days this term")
    page.get_by_role("button", name="Send letter 1 to 1 student's caregivers").click()

    # Queued: the bar stands at 0 until the worker runs, and says so in words.
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(bar).to_have_attribute("aria-valuetext", "0 of 1 student done")
    expect(page.locator("#batch-status")).to_contain_text("Waiting to start")

    run_worker()
    # htmx polls the progress and swaps in the summary: no reload.
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#batch-status")).to_contain_text(
        "1 of 1 student done: 2 letters sent, 0 skipped."
    )
    items = page.locator("#batch-items")
    expect(items.get_by_role("row", name=re.compile("Aroha Ngata"))).to_contain_text(
        "Hine Ngata, Rawiri Ngata"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download every letter sent as one PDF")).click()
    combined = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(combined.pages) == LetterBatch.objects.get().sent == 2

    # Without JavaScript's help, a refresh reads the same.
    page.reload()
    expect(page.locator("#batch-status")).to_contain_text("2 letters sent, 0 skipped.")
    problems = [m.text for m in console if m.type in ("error", "warning")]
    assert problems == [], problems
    assert errors == []
