"""A letter and a referral bundle print a child's and a caregiver's names in any script.

Debian's Chromium through Playwright, as in tests/cases/test_browser.py. The child is
王小明 and the caregiver Mia 😀: both names are read back from the PDFs' text
(pdftotext), so they were set in fonts that hold them, not dropped or boxed.
"""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from stepwise.cases.models import Person
from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

from .conftest import attempt

pytestmark = [pytest.mark.browser]

CHILD = "王小明"
CAREGIVER = ("Mia", "😀")


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    assert out.returncode == 0, out.stderr
    return " ".join(out.stdout.decode().split())


def test_a_letter_and_the_bundle_print_names_in_chinese_and_emoji(
    transactional_db, live_server, page, case, caseworker, sender
):
    student = case.student
    student.given_name = CHILD
    student.save()
    Person.objects.filter(case=case, role="child").update(given_name=CHILD)
    Person.objects.filter(case=case, given_name="Hine").update(
        given_name=CAREGIVER[0], family_name=CAREGIVER[1]
    )
    attempt(case, caseworker, 5)

    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{case.pk}/letters/")
    page.get_by_role("link", name="Prepare letter 1").click()
    expect(page.locator("#preview")).to_contain_text("Tēnā koe Mia 😀,")
    page.get_by_label("Post").check()
    page.get_by_label("Why are you sending this letter?").fill("no answer to our calls")
    page.get_by_role("button", name="Send letter 1").click()
    expect(page.get_by_text("Letter 1 sent to Mia 😀, Rawiri Ngata.")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#sent-letters").get_by_role("link", name=re.compile("to Mia 😀")).click()
    letter = pdf_text(download.value.path())
    assert "Tēnā koe Mia 😀," in letter
    assert f"{CHILD} has missed" in letter

    page.goto(f"/cases/{case.pk}/referral/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the bundle (PDF)").click()
    bundle = pdf_text(download.value.path())
    assert f"{CHILD} Ngata" in bundle  # the cover and the chronology's heading
    assert "Tēnā koe Mia 😀," in bundle  # the letter, as sent
    # A colour emoji is drawn apart from its line, so text tools may read it elsewhere.
    assert "sent to Mia" in bundle and bundle.count("😀") >= 4
    assert "[U+" not in bundle, "a name fell back to its code points: a font is missing"
