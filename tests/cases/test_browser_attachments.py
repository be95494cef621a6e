"""A caseworker is told why a web page cannot be attached, and downloads what was kept.

Debian's Chromium through Playwright, as in tests/cases/test_browser.py. The kept file's
name is in Māori and Chinese: the browser must save it under that name (RFC 6266
`filename*`), which it does only because the file comes as a download.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

pytestmark = [pytest.mark.browser]

NAME = "hui ā-whānau 王.pdf"


def test_a_web_page_is_refused_and_a_kept_pdf_downloads_under_its_own_name(
    transactional_db, live_server, page, case, caseworker, tmp_path
):
    html, pdf = tmp_path / "notes.html", tmp_path / NAME
    html.write_text("<html><script>alert(document.cookie)</script></html>")
    pdf.write_bytes(b"%PDF-1.7\n%minutes of the hui\n")
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(f"/cases/{case.pk}/log/new/?kind=whanau_hui")
    expect(page.get_by_label("Attachments")).to_have_attribute("type", "file")
    expect(page.locator("#id_attachments-hint")).to_contain_text("a PDF of up to 500 pages")
    page.get_by_label("When did it happen?").fill("2026-11-19T15:00")
    page.get_by_label("Attachments").set_input_files([str(html), str(pdf)])
    page.get_by_role("button", name=re.compile("^Record")).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("notes.html was not attached: .html files cannot be kept.")
    # The summary's link takes the keyboard to the field to choose again.
    summary.get_by_role("link", name=re.compile("notes.html")).click()
    expect(page.get_by_label("Attachments")).to_be_focused()
    expect(page.locator("#id_attachments-error")).to_contain_text("notes.html was not attached")

    page.get_by_label("When did it happen?").fill("2026-11-19T15:00")
    page.get_by_label("Attachments").set_input_files([str(pdf)])
    page.get_by_role("button", name=re.compile("^Record")).click()
    expect(page.get_by_text("Recorded in the engagement log.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=NAME).click()
    assert download.value.suggested_filename == NAME
    assert download.value.path().read_bytes().startswith(b"%PDF-1.7")
