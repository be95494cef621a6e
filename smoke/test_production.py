"""The production stack serves the demo as people use it: through a TLS proxy, two web
workers sharing Redis, and a task worker that runs a letter batch to its end.

Debian's Chromium through Playwright, as in the suite's browser tests. The stack is the
one docs/deploy.md sets up (smoke/conftest.py); run with `make smoke`.
"""

import json
import re
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from .conftest import NGINX, ROOT, Stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "stepwise-demo"


@pytest.fixture
def page(stack: Stack):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The proxy's certificate is made for this run: no authority vouches for it.
            context = browser.new_context(base_url=stack.url, ignore_https_errors=True)
            yield context.new_page()
        finally:
            browser.close()


def sign_in(page: Page, username: str, code: str | None = None) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if code is not None:
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def requests_since(stack: Stack, start: int, path: re.Pattern) -> list[dict]:
    """Return the request log lines written since line `start` for paths matching `path`."""
    found = []
    for line in stack.log_lines()[start:]:
        if line.startswith("{"):
            entry = json.loads(line)
            if entry["logger"] == "stepwise.request" and path.fullmatch(entry["path"]):
                found.append(entry)
    return found


def test_the_officer_records_a_response_and_sends_a_letter_batch(stack: Stack, page: Page):
    sign_in(page, "nz-officer")
    assert page.url.startswith(stack.url)  # signed in over HTTPS, through the proxy

    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Threshold queue").click()
    first = page.get_by_role("table", name="Waiting for a response").get_by_role("row").nth(1)
    link = first.get_by_role("link", name=re.compile("Record a response"))
    label = link.inner_text().split(" for ", 1)[1].strip()  # "<name>, <threshold>"
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a response")
    page.get_by_role("radio", name="Monitor current approach").check()
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()

    # Whichever web worker answers, the queue no longer waits on that response.
    for _ in range(4):
        menu.get_by_role("link", name="Threshold queue").click()
        waiting = page.get_by_role("table", name="Waiting for a response")
        expect(waiting.get_by_role("link", name=f"Record a response for {label}")).to_have_count(0)

    menu.get_by_role("link", name="Letter batches").click()
    page.get_by_label("Hand-delivered").check()
    page.get_by_label("Why are you sending these letters?").fill("reached 10 days this term")
    page.get_by_role("button", name=re.compile(r"Send letter 1 to \d+ students?")).click()
    # The task worker, a process of its own, runs the batch to the end; htmx shows it.
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=120_000)
    expect(page.locator("#batch-status")).to_contain_text(re.compile(r"(\d+) of \1 students done"))


def test_a_new_school_on_a_case_shows_in_every_workers_caseload_filter(stack: Stack, page: Page):
    sign_in(page, "nz-caseworker", stack.stepwise("demo-code", "nz-caseworker").strip())
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").first.click()
    cases = page.url
    for _ in range(6):  # fill each web worker's view of the service's school list
        page.goto(cases)
    school = f"Smoke Test School {int(time.time())}"
    page.goto(cases + "new/")
    page.get_by_role("group", name="Why is the case opened?").get_by_role("radio").first.check()
    page.get_by_label("Child's given name").fill("Tama")
    page.get_by_label("Child's family name").fill("Smoketest")
    page.get_by_label("Last school, if known").fill(school)
    page.get_by_role("button", name=re.compile("Open")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tama Smoketest")

    start = len(stack.log_lines())
    for _ in range(6):
        page.goto(cases)
        expect(page.locator("#f-school option", has_text=school)).to_have_count(1)
    served = requests_since(stack, start, re.compile(re.escape(cases.split(stack.url)[1])))
    assert len(served) == 6
    assert len({entry["process"] for entry in served}) == 2, "one web worker answered them all"


def test_a_token_allowed_ten_a_minute_gets_exactly_ten_through_both_workers(stack: Stack):
    token = stack.stepwise(
        "api-token", "add", "--school", "NZ-0427", "--name", "smoke", "--rate-per-minute", "10"
    ).strip()
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE

    def get(_: int) -> int:
        request = urllib.request.Request(
            f"{stack.url}/api/v1/schools", headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(request, context=insecure, timeout=30) as answer:
                return answer.status
        except urllib.error.HTTPError as e:
            return e.code

    start = len(stack.log_lines())
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(get, range(30)))
    assert sorted(statuses) == [200] * 10 + [429] * 20
    served = requests_since(stack, start, re.compile("/api/v1/schools"))
    assert len(served) == 30
    assert len({entry["process"] for entry in served}) == 2


def test_the_logs_are_json_lines_that_name_no_child(stack: Stack):
    lines = [line for line in stack.log_lines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    requests = [e for e in entries if e["logger"] == "stepwise.request"]
    assert requests, "no request was logged"
    for entry in requests:
        assert {"time", "level", "request_id", "path", "status", "duration_ms"} <= entry.keys()
    assert any("user_id" in e and e.get("organisations") for e in requests)
    # Every line that is not JSON is a line the supervisor itself printed.
    others = [line for line in stack.log_lines() if not line.startswith("{")]
    assert all(re.match(r"(web server|task worker \d|stopped|Stepwise \()", o) for o in others)

    with psycopg.connect(stack.env["DATABASE_URL"]) as db:
        names = db.execute(
            "SELECT given_name || ' ' || family_name FROM schools_student"
        ).fetchall()
    assert len(names) > 1000
    text = "\n".join(lines)
    named = [name for (name,) in names if name in text]
    assert named == [], f"the logs name {len(named)} children"


def test_a_task_worker_that_dies_is_started_again(stack: Stack):
    started = [
        int(m.group(1))
        for line in stack.log_lines()
        if (m := re.match(r"task worker 1 started \(process (\d+)\)", line))
    ]
    subprocess.run(["kill", "-KILL", str(started[-1])], check=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        again = [line for line in stack.log_lines() if line.startswith("task worker 1 started")]
        if len(again) > len(started):
            break
        time.sleep(0.5)
    log = "\n".join(stack.log_lines())
    assert "task worker 1 stopped (exit status -9); restarting in 1 s" in log
    assert len(again) == len(started) + 1


def test_the_runbooks_nginx_site_is_valid_nginx(tmp_path):
    site = (ROOT / "docs" / "deploy" / "nginx-site.conf").read_text()
    for certificate in ("fullchain.pem", "privkey.pem"):
        site = site.replace(
            f"/etc/letsencrypt/live/attendance.example.org/{certificate}",
            str(tmp_path / certificate),
        )
    site = site.replace("/etc/nginx/snippets/", f"{ROOT}/docs/deploy/")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    main = f"pid {tmp_path}/nginx.pid; error_log stderr; events {{}}\n"
    main += f"http {{ include {tmp_path}/site.conf; }}\n"
    (tmp_path / "main.conf").write_text(main)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=attendance.example.org",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    checked = subprocess.run(
        [NGINX, "-t", "-c", str(tmp_path / "main.conf")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
