"""The first-run path of docs/getting-started.md, in Chromium, on an empty database.

`stepwise admin create` → the administrator adds a school and a service covering it →
invites an officer, a caseworker and the service's manager (links shown) → each
chooses a password and enrols an authenticator → the officer uploads a roster, then a
register with one bad row and sees its line and column, fixes it, uploads again, sees
the summary, the import history and the students in the queue → refers one to the
service → the caseworker and the manager see it in the inbox.
"""

import base64
import os
import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from stepwise.accounts.models import Organisation
from stepwise.schools.models import School

pytestmark = [pytest.mark.browser]
# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the test's own database work (the command, the worker) from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "a walk along the harbour"
TERM_START = date(2026, 10, 12)
TODAY = date(2026, 11, 24)  # the suite's clock
LABOUR_DAY = date(2026, 10, 26)
ROSTER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to\n"
    "NZ-7,700000001,Aroha,Ngata,2012-03-04,9,2026-02-02,\n"
    "NZ-7,700000002,Ben,Cooper,2012-05-06,9,2026-02-02,\n"
)


def register(bad: bool) -> str:
    rows, day = ["school_id,student_id,date,session,code"], TERM_START
    while day <= TODAY:
        if day.weekday() < 5 and day != LABOUR_DAY:
            for session in ("AM", "PM"):
                rows.append(f"NZ-7,700000001,{day},{session},T")
                rows.append(f"NZ-7,700000002,{day},{session},P")
        day += timedelta(days=1)
    if bad:
        rows.append("NZ-7,700000002,2026-11-23,AM,Q")
    return "\n".join(rows) + "\n"


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def sign_up(page: Page, link: str) -> None:
    """Follow an invitation: choose a password, add the key to an authenticator, give a code."""
    page.goto(path_of(link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator("#totp-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{16,}=*$"))
    code = totp(base64.b32decode(secret.inner_text()))
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def invite(page: Page, email: str, role: str) -> str:
    """Invite someone from the organisation's People page; return the link it shows."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{email} is invited")
    return page.locator("#invitation-link").input_value()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def upload(page: Page, kind: str, name: str, text: str) -> None:
    page.get_by_role("link", name="Imports", exact=True).first.click()
    expect(page.get_by_role("heading", name="Upload a file", exact=True)).to_be_visible()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Upload and import", exact=True).click()
    expect(page.locator("#upload-status")).to_contain_text("Waiting to start")
    run_worker()  # as `stepwise serve`'s worker would; the page polls until it is done


def test_a_new_installation_reaches_its_first_referral(transactional_db, live_server, page):
    out = StringIO()
    call_command("admin", "create", "--email", "ana@office.example", stdout=out)
    (link,) = re.findall(r"https?://\S+/two-factor/enrol/\S+/", out.getvalue())

    # The administrator signs up and adds the school and its attendance service.
    sign_up(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    page.get_by_role("link", name="Add a school").click()
    page.get_by_label("Name").fill("Rimu School")
    page.get_by_label("School id").fill("NZ-7")
    page.get_by_label("Rule pack").select_option("nz")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    officer_link = invite(page, "tui@rimu.example", "School attendance officer")

    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Add an attendance service").click()
    page.get_by_label("Name").fill("Rimu Attendance Service")
    page.get_by_label("Rule pack").select_option("nz")
    page.get_by_label("Rimu School").check()
    page.get_by_role("button", name="Save").click()
    caseworker_link = invite(page, "hemi@ras.example", "Caseworker")
    page.get_by_role("link", name="Back to people").click()
    manager_link = invite(page, "mere@ras.example", "Service manager")
    service = Organisation.objects.get(kind=Organisation.Kind.SERVICE)
    assert list(
        School.objects.filter(catchments__service=service).values_list("code", flat=True)
    ) == ["NZ-7"]
    sign_out(page)

    # The officer signs up and lands on the queue, which warns that there are no marks.
    sign_up(page, officer_link)
    expect(page).to_have_url(re.compile(r"/schools/NZ-7/queue/"))
    expect(page.locator("#register-freshness")).to_contain_text(
        "No marks for today (Tuesday 24 November) yet"
    )
    upload(page, "Roster", "roster.csv", ROSTER)
    expect(page.locator("#upload-summary")).to_contain_text("Students added")

    # A register with one bad row: its line and column, and nothing imported.
    bad = register(bad=True)
    upload(page, "Register", "register.csv", bad)
    problems = page.locator("#upload-problems")
    expect(problems).to_contain_text(str(bad.count("\n")))  # the last line
    expect(problems.get_by_role("cell", name="code", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download every problem (CSV)")).to_be_visible()

    # Fixed, it is imported: the summary says what changed.
    upload(page, "Register", "register.csv", register(bad=False))
    summary = page.locator("#upload-summary")
    expect(summary).to_contain_text("New marks")
    expect(summary).to_contain_text("Thresholds newly reached")
    page.reload()  # the page loaded before the import: its banner said no marks
    expect(page.locator("#register-freshness")).to_contain_text("Register last updated")

    page.get_by_role("link", name="See every import").click()
    history = page.locator("#import-history tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("Imported")
    expect(history.nth(1)).to_contain_text("Rejected")

    # The queue lists Aroha; the officer refers her to the service.
    page.get_by_role("link", name="Threshold queue").click()
    expect(page.get_by_role("main")).to_contain_text("Aroha Ngata")
    page.goto("/schools/NZ-7/students/700000001/refer/")
    page.get_by_label("Rimu Attendance Service").check()
    page.get_by_role("radio").nth(1).check()
    page.get_by_label("Summary").fill("Absent every day this term; no answer at home.")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("main")).to_contain_text("Rimu Attendance Service")
    sign_out(page)

    # The caseworker and the manager sign up; the referral is in the service's inbox.
    sign_up(page, caseworker_link)
    page.goto(f"/services/{service.pk}/referrals/")
    expect(page.get_by_role("main")).to_contain_text("Aroha Ngata")
    sign_out(page)
    sign_up(page, manager_link)
    expect(page).to_have_url(re.compile(rf"/services/{service.pk}/referrals/"))
    expect(page.get_by_role("main")).to_contain_text("Aroha Ngata")
