"""Logs are one JSON object a line, carry the request they belong to, and never name a child:
not even when a server error's message quotes the child's record."""

import io
import json
import logging
import sys

import pytest
from django.test import Client

from stepwise.ops.logging import JsonFormatter, TextFormatter
from tests.conftest import sign_in

STUDENT = "/schools/NZ-0427/students/100000001/"


@pytest.fixture
def captured():
    """Return what the app's loggers write, formatted as production formats it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("django", "stepwise.request")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield out
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_request_is_one_json_line_with_who_asked_and_how_it_went(captured, officer, students):
    client = sign_in(Client(), officer)
    response = client.get(STUDENT + "?q=Aroha+Ngata")
    assert response.status_code == 200
    (entry,) = [e for e in lines(captured) if e["logger"] == "stepwise.request"]
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["path"] == STUDENT  # without the query: a search holds a name
    assert entry["status"] == 200
    assert entry["method"] == "GET"
    assert entry["user_id"] == officer.pk
    assert entry["organisations"] == [officer.memberships.get().organisation_id]
    assert entry["duration_ms"] > 0
    assert entry["level"] == "INFO"
    assert entry["time"].endswith("+00:00")


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(captured, officer, students):
    client = sign_in(Client(), officer)
    kept = client.get(STUDENT, headers={"X-Request-ID": "nginx-5f2b8c1d9e"})
    assert kept["X-Request-ID"] == "nginx-5f2b8c1d9e"
    replaced = client.get(STUDENT, headers={"X-Request-ID": "Aroha Ngata\n{}"})
    assert len(replaced["X-Request-ID"]) == 32
    assert "Aroha" not in captured.getvalue()


def test_a_server_error_is_logged_with_its_traceback_but_not_the_childs_name(
    captured, officer, students, monkeypatch
):
    child = students["Aroha"]

    def failing(*args, **kwargs):
        # As a database error quotes the row it failed on.
        raise ValueError(f"Key (given_name)=({child.given_name}) violates a constraint")

    monkeypatch.setattr("stepwise.front.views.term_register", failing)
    client = sign_in(Client(raise_request_exception=False), officer)
    response = client.get(STUDENT)

    assert response.status_code == 500
    page = response.content.decode()
    assert response["X-Request-ID"] in page  # the reference to quote to an administrator
    assert "Aroha" not in page
    written = captured.getvalue()
    assert "Aroha" not in written and "Ngata" not in written
    error = next(e for e in lines(captured) if e["level"] == "ERROR")
    assert error["logger"] == "django.request"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["error"] == "ValueError"
    assert "in failing" in error["traceback"]  # where it happened
    assert "builtins.ValueError (message withheld)" in error["traceback"]
    request = next(e for e in lines(captured) if e["logger"] == "stepwise.request")
    assert request["status"] == 500


def test_the_readable_format_for_a_terminal_withholds_the_message_too():
    name = "".join(["Mere", " Walker"])  # not in the source line the traceback shows
    try:
        raise RuntimeError(name)
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
        record.exc_info = sys.exc_info()
    text = TextFormatter().format(record)
    assert text.startswith("ERROR x: failed")
    assert "Mere" not in text
    assert "builtins.RuntimeError (message withheld)" in text
