"""A school admin uploads SIMS's own register export on the school's page, in Chromium.

They pick the SIMS format and save it for the school; the file is read through the
import profile and gives the same standings as `stepwise import register FILE --profile
sims` does for the same file (which then changes nothing). The page is axe-clean.
"""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from stepwise.accounts.models import Membership
from stepwise.onboarding.models import ImportUpload
from stepwise.register.models import SchoolImportProfile
from tests.conftest import sign_in

from .test_first_real_school import run_worker

pytestmark = [pytest.mark.browser]
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in the test thread

SIMS_FILE = Path(__file__).resolve().parents[1] / "data" / "sims_register.csv"


def standings() -> str:
    out = StringIO()
    call_command("standings", "--school", "ENG-1", "--term", "2026T1", "--as-of", "2026-10-16",
                 stdout=out)  # fmt: skip
    return out.getvalue()


def test_an_admin_uploads_a_sims_export_with_its_profile_and_sees_the_clis_standings(
    transactional_db, live_server, page, england
):
    school = england
    admin = get_user_model().objects.create_user("oak-admin")
    Membership.objects.create(
        user=admin, organisation=school.organisation, role=Membership.Role.SCHOOL_ADMIN
    )
    session = sign_in(Client(), admin).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )

    page.goto("/schools/ENG-1/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    page.get_by_label("Register", exact=True).check()
    page.get_by_label("Format of a register file").select_option(label="SIMS")
    page.get_by_label("Save this format for Oak Test Academy’s register files").check()
    page.get_by_label("CSV file").set_input_files(str(SIMS_FILE))
    page.get_by_role("button", name="Upload and import").click()
    expect(page).to_have_url(re.compile(r"/schools/ENG-1/imports/\d+/$"))
    run_worker()
    page.reload()
    expect(page.get_by_text("Imported", exact=True).first).to_be_visible()
    upload = ImportUpload.objects.get()
    assert (upload.status, upload.profile, upload.rows) == ("imported", "sims", 20)
    assert SchoolImportProfile.objects.get(school=school).profile == "sims"
    shown = standings()

    out = StringIO()
    call_command("import", "register", str(SIMS_FILE), "--profile", "sims", "--school",
                 "ENG-1", stdout=out)  # fmt: skip
    assert "nothing to change" in out.getvalue().lower(), out.getvalue()
    assert standings() == shown and "H801200001001" in shown

    page.goto("/schools/ENG-1/imports/")
    chosen = page.get_by_label("Format of a register file")
    expect(chosen).to_have_value("sims")  # the school's saved format comes first
    expect(chosen.locator("option:checked")).to_have_text("SIMS (this school’s saved format)")
