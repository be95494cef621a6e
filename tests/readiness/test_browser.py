"""A caseworker puts right what a referral lacks and refers; the team sees that case only.

Debian's Chromium through Playwright, as in tests/cases/test_browser.py.
"""

import hashlib
import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from stepwise.cases.services import task_add
from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

from .conftest import TODAY, attempt, close_tasks, send

pytestmark = [pytest.mark.browser]


def attest(page: Page, item: str, answer: str, note: str) -> None:
    page.get_by_role("link", name=item).click()
    page.get_by_label(answer).check()
    page.get_by_label("When").fill("2026-11-19")
    page.get_by_label("Who, what, and where the evidence is").fill(note)
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded. The checklist has been updated.")).to_be_visible()


def test_a_caseworker_fixes_three_missing_items_and_refers(
    transactional_db, live_server, page, case, caseworker, sender, route, prosecutor, referral
):
    # Letters 1 and 3 went to both caregivers, with attempts to engage around them; a
    # follow-up is overdue, and nobody has spoken to the CRM or told the school yet.
    attempt(case, caseworker, 50)
    send(case, caseworker, 1, 45)
    attempt(case, caseworker, 30, "home_visit", "refused")
    send(case, caseworker, 3, 20)
    attempt(case, caseworker, 5, "phone", "refused")
    close_tasks(case, caseworker)
    task_add(case=case, by=caseworker, title="Ring the school", due_on=TODAY.replace(day=2))

    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{case.pk}/")
    # The checklist loads into the case page after it.
    checklist = page.locator("#readiness-summary")
    expect(checklist).to_have_text(re.compile(r"3 missing, 2 met"))
    page.get_by_role("link", name="Referral readiness").first.click()
    expect(
        page.get_by_role("button", name="Refer to the Ministry Prosecutions team")
    ).to_be_disabled()

    crm = "You have spoken to your Contract and Relationship Manager"
    attest(page, crm, "Spoken to, and they support a referral", "Spoke with Mere, regional office.")
    told = "The school knows you intend to refer"
    attest(page, told, "The school has been told", "Told the deputy principal by phone.")

    page.get_by_role("link", name="The case record is up to date").click()
    page.get_by_role("button", name=re.compile("^Done.*Ring the school")).click()
    page.goto(f"/cases/{case.pk}/referral/")
    expect(page.locator("#readiness-summary")).to_have_text("Ready to refer: nothing is missing.")

    # The bundle: one PDF that opens, and a zip whose manifest matches every file in it.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the bundle and its files (zip)").click()
    with zipfile.ZipFile(download.value.path()) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        files = manifest["files"]
        assert len(files) >= 6  # the bundle, the chronology, four letters
        for entry in files:
            content = bundle.read(entry["path"])
            assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["path"]
            assert entry.get("stored_sha256", entry["sha256"]) == entry["sha256"]
        pdf_name = next(e["path"] for e in files if e["path"].endswith("bundle.pdf"))
        assert len(PdfReader(io.BytesIO(bundle.read(pdf_name))).pages) > 4

    page.get_by_role("button", name="Refer to the Ministry Prosecutions team").click()
    expect(page.get_by_text("Referred to Ministry Prosecutions team.")).to_be_visible()
    # Letter 4 is due at once, and overdue until it goes to both caregivers.
    overdue = page.get_by_role("region", name="Overdue")
    expect(overdue).to_contain_text("Letter 4: the case is with the Prosecutions team is overdue")
    expect(overdue).to_contain_text("Hine Ngata, Rawiri Ngata")
    page.get_by_role("button", name="Sign out").click()

    # The team sees the referred case, by reference, and cannot open any other case.
    sign_in(page, "prosecutor", confirmed_device(prosecutor))
    expect(page.get_by_role("heading", level=1)).to_have_text("Referred cases")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.locator(".govuk-inset-text")).not_to_contain_text("Aroha")
    response = page.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 404
