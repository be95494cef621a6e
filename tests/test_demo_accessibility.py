"""Every kind of page of the demo passes axe-core, as each demo user reaches it in Chromium.

The pages are those the demo walk finds for each user (tests/demo_walk.py), one of each
kind; the browser opens each signed in as that user, waits for what htmx loads after it,
and the `page` fixture's axe-core check (tests/axe.py) fails the test on any serious or
critical violation. Left out: the API's interactive documentation (/api/v1/docs), which
is Swagger UI's own page, for integrators, not one of Stepwise's.
"""

import os

import pytest
from django.conf import settings

from stepwise.demo.load import demo_load
from stepwise.demo.snapshot import AS_OF
from tests.demo_walk import signed_in, walk

pytestmark = pytest.mark.browser
# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the test's database work from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

USERS = [
    "nz-officer", "nz-admin", "nz-caseworker", "nz-manager", "nz-prosecutor",
    "kent-officer", "kent-admin", "kent-caseworker", "kent-manager", "kent-prosecutor",
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_demo_page_passes_axe_core(live_server, page):
    demo_load(as_of=AS_OF)
    visited = 0
    for username in USERS:
        found = walk(username, pages_per_kind=1)
        session = signed_in(username).cookies[settings.SESSION_COOKIE_NAME].value
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        for url in found.pages:
            if url.startswith("/api/"):
                continue
            page.goto(url, wait_until="networkidle")  # what htmx loads after, too
            visited += 1
    assert visited > 100
