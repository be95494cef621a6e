"""With SENTRY_DSN set, an unhandled error is reported, and the report names no child: the
exception's type and stack go, its message, local variables and the request's data do not."""

import gzip
import json
import os
import secrets
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from stepwise.ops.errors import scrub

NAME = "Aroha" + " Ngata"  # built, so no source line shown in a stack holds it

# Runs in a process of its own: error reporting, once started, stays on for the process.
REPORTER = """
import os, django
django.setup()
import sentry_sdk

def record_of(child):
    secret_note = child + " told us about the home"  # a local variable in the stack
    raise ValueError("cannot file the record of " + child)

try:
    record_of(os.environ["CHILD"])
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=10)
"""


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_an_error_report_reaches_the_service_without_the_childs_name(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stepwise.settings",
        "STEPWISE_DATA_DIR": str(tmp_path),
        "SENTRY_DSN": f"http://{secrets.token_hex(16)}@127.0.0.1:{server.server_port}/1",
        "CHILD": NAME,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", REPORTER], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert Collector.received, "no report reached the service"
    report = b"\n".join(Collector.received).decode()
    assert "ValueError" in report
    assert "record_of" in report  # the stack, to find the fault
    assert "Aroha" not in report
    assert "told us about the home" not in report


def test_a_report_loses_what_may_quote_a_record():
    event = {
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "Key (family_name)=(Ngata)",
                    "stacktrace": {"frames": [{"function": "save", "vars": {"name": "Ngata"}}]},
                }
            ]
        },
        "request": {
            "url": "https://attendance.example.org/cases/4/",
            "method": "POST",
            "data": {"notes": "Mum will call"},
            "cookies": {"sessionid": "x"},
            "query_string": "q=Ngata",
            "headers": {"Cookie": "sessionid=x"},
        },
        "breadcrumbs": {"values": [{"message": "SELECT ... 'Ngata'"}]},
        "logentry": {"message": "failed for %s", "params": ["Ngata"]},
    }
    scrubbed = json.dumps(scrub(event, {}))
    assert "Ngata" not in scrubbed and "Mum" not in scrubbed and "sessionid" not in scrubbed
    assert "IntegrityError" in scrubbed
    assert "https://attendance.example.org/cases/4/" in scrubbed
