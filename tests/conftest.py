"""Shared fixtures: a New Zealand school with a small roster, built through the real services."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.roster import import_roster
from stepwise.schools.services import school_add

# A page on a busy two-core machine (CI runs two workers) can take longer to load than
# Playwright's default 5 s: its assertions wait up to 15 s before they fail.
expect.set_options(timeout=15_000)

TODAY = date(2026, 11, 20)
# The suite's clock: the Tuesday morning after TODAY, in Auckland. Fixtures hold registers,
# letters and contacts dated up to TODAY, and the app reads "today" from the clock, so an
# unpinned suite changes its verdicts as the calendar moves on (a contact "14 days ago"
# goes stale, a rolling window slides past the absences it was built to hold).
# Not TODAY itself: some tests read what happened on TODAY as already past.
CLOCK = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Pacific/Auckland"))


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


ROSTER_HEADER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to"
)
REGISTER_HEADER = "school_id,student_id,date,session,code"


@pytest.fixture
def nz_school(db):
    return school_setup(code="NZ-1", name="Kauri Test College", pack="nz", today=TODAY)


@pytest.fixture
def nz_roster(nz_school):
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "NZ-1,100000001,Aroha,Ngata,2011-03-04,10,2026-01-28,",
            "NZ-1,100000002,Ben,Lee,2011-05-04,10,2026-01-28,",
            "NZ-1,100000003,Sione,Taufa,2012-07-14,9,2026-11-02,",
        ),
        file_name="roster.csv",
    )
    return nz_school


@pytest.fixture
def england(db):
    """An English school of two students: the vendors' test files under tests/data name them."""
    school = school_add(code="ENG-1", name="Oak Test Academy", pack="england", today=TODAY)
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "ENG-1,H801200001001,Zoë,Hart,2014-02-03,7,2026-09-01,",
            "ENG-1,H801200001002,Sam,Okafor,2014-05-06,7,2026-09-01,",
        ),
        file_name="roster.csv",
    )
    return school


def confirmed_device(user):
    """Return the user's confirmed authenticator device, adding one if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="phone", defaults={"confirmed": True}
    )
    return device


def sign_in(client, user):
    """Sign a user in on a test client, passing the second factor where their role needs it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from stepwise.accounts.two_factor import needs_two_factor

    client.force_login(user)
    if needs_two_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()
    return client


@pytest.fixture(scope="session", autouse=True)
def pinned_clock():
    """Run the whole suite at CLOCK; time still passes (tick), so timeouts behave."""
    with time_machine.travel(CLOCK, tick=True):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache: pages keep rendered work there, keyed by ids
    that a rolled-back test may hand out again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def login(client):
    """Return a function that signs a user in (with a second factor where needed)."""
    return lambda user: sign_in(client, user)


# A real browser: Debian's Chromium (package chromium, installed by `make test`) driven by
# Playwright. Never a downloaded browser build. No skip: a missing Chromium fails the test.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(live_server, settings, monkeypatch):
    """Return a page of a fresh Chromium whose relative URLs go to the live test server.

    Chromium keeps the real date, not the suite's CLOCK: cookies with an expiry date from
    CLOCK would be stale on arrival, so they last the browser's session instead (the
    server still ends a session after its idle timeout).

    axe-core checks every page the test visits (tests/axe.py); the test fails at teardown
    on a serious or critical accessibility violation.
    """
    from playwright.sync_api import sync_playwright

    from tests import axe

    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    axe.patch_navigating_actions(monkeypatch)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": 1280, "height": 900}
            )
            # Each navigation also runs axe-core: with both suites' workers and Chromium on two
            # cores, an action may wait longer than Playwright's 30 s before its element is ready.
            context.set_default_timeout(60_000)
            opened = context.new_page()
            watch = axe.watch(opened)
            yield opened
            watch.loaded = True  # the page as the test left it, htmx and all
            watch.check()
        finally:
            browser.close()
            axe.WATCHES.clear()
    if not watch.checked:
        pytest.fail("axe-core checked no page: the test visited none, or the check broke")
    failures = watch.failures()
    if failures:
        pytest.fail(
            f"axe-core found {len(failures)} accessibility violations:\n"
            + "\n".join(sorted({str(v) for v in failures})),
            pytrace=False,
        )


# Lives here, not in tests/security: under xdist only this conftest reaches the controller.
MATRIX_PROPERTY = "authorisation_matrix_combinations"
# Requests schemathesis sent, and inputs hypothesis fed the parsers (tests/api).
FUZZ_PROPERTIES = {
    "schemathesis_requests": "schemathesis: {} requests against the OpenAPI document",
    "parser_fuzz_inputs": "parser fuzzing: {} arbitrary inputs fed to the CSV and Ed-Fi parsers",
}


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Report how many combinations the authorisation matrix ran (also under xdist)."""
    counts = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"  # teardown reports carry them too
        for name, value in getattr(report, "user_properties", ())
        if name == MATRIX_PROPERTY
    ]
    if counts:
        terminalreporter.write_sep("-", "authorisation matrix")
        terminalreporter.write_line(f"authorisation matrix: {sum(counts)} combinations")
    for prop, line in FUZZ_PROPERTIES.items():
        found = [
            value
            for reports in terminalreporter.stats.values()
            for report in reports
            if getattr(report, "when", None) == "call"
            for name, value in getattr(report, "user_properties", ())
            if name == prop
        ]
        if found:
            terminalreporter.write_line(line.format(sum(found)))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for a module's tests, and clear it away after them."""
    from django.core.management import call_command

    from stepwise.demo.load import demo_load
    from stepwise.demo.snapshot import AS_OF

    with django_db_blocker.unblock():
        demo_load(as_of=AS_OF)
        yield
        call_command("flush", interactive=False, verbosity=0)
