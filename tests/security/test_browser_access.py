"""Access in a real browser: Debian's Chromium via Playwright, as in tests/front/test_browser.py.

- An attendance officer of school A pastes the address of school B's student: 404.
- A caseworker with no authenticator yet cannot sign in with a password alone: they are
  told to ask for an enrolment link, and set up their authenticator through it.
"""

import base64
import os
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from stepwise.accounts.enrolment import enrolment_link_create
from stepwise.accounts.models import Membership, Organisation

from .world import A_STUDENTS, B_STUDENTS, PASSWORD, add_member, add_school

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the fixtures' database work from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The data is made in fixtures asked for before `page`: once Playwright runs, database
# work in the test opens a connection the end of the run cannot see to close, and
# PostgreSQL then refuses to drop the test database.


@pytest.fixture
def officer_of_school_a(transactional_db):
    school_a = add_school("NZ-0427", "Kōwhai College", A_STUDENTS[:1])
    school_b = add_school("NZ-0999", "Tōtara School", B_STUDENTS[:1])
    add_member("b_officer", school_b.organisation, Membership.Role.ATTENDANCE_OFFICER)
    return add_member(
        "officer", school_a.organisation, Membership.Role.ATTENDANCE_OFFICER, password=PASSWORD
    )


@pytest.fixture
def enrolment_link(transactional_db):
    """An attendance service's caseworker with no authenticator yet, and the link made for them."""
    service = Organisation.objects.create(
        name="Kōwhai Attendance Service", kind=Organisation.Kind.SERVICE
    )
    caseworker = add_member("caseworker", service, Membership.Role.CASEWORKER, password=PASSWORD)
    _, address = enrolment_link_create(user=caseworker)
    return service, re.sub(r"^https?://[^/]+", "", address)


def sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_officer_of_school_a_pasting_school_bs_student_gets_page_not_found(
    transactional_db, live_server, officer_of_school_a, page
):
    sign_in(page, "officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Threshold queue")

    # Their own student opens ...
    page.goto("/schools/NZ-0427/students/100000001/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aroha Ngata")

    # ... school B's, pasted into the address bar, is not found: nothing of it is shown.
    response = page.goto("/schools/NZ-0999/students/200000001/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("You can only see the schools and students")).to_be_visible()
    expect(page.get_by_text("Tama")).to_have_count(0)
    expect(page.get_by_text("Tōtara")).to_have_count(0)

    # The same answer as for a student who does not exist anywhere.
    response = page.goto("/schools/NZ-0999/students/000000000/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_a_caseworker_without_an_authenticator_enrols_only_through_the_link(
    transactional_db, live_server, enrolment_link, page
):
    service, link = enrolment_link
    # A password alone does not sign them in, nor set anything up.
    sign_in(page, "caseworker")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Ask an administrator of your organisation for an enrolment link"
    )
    page.goto(f"/services/{service.pk}/referrals/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))

    # The link asks for the password first; the key comes only after it.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.locator("#totp-secret")).to_have_count(0)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("img", name="QR code holding the key below")).to_be_visible()
    secret = page.locator("#totp-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{16,}=*$"))

    # A code from the new authenticator signs them in; the link is then spent.
    code = totp(base64.b32decode(secret.inner_text()))
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/services/{service.pk}/cases/"))
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This enrolment link has been used")
