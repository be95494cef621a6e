"""Production takes its settings from the environment, and stops at the first one missing or
wrong with a message that names it; then Django's deployment checks pass with no warnings."""

import os
import secrets
import subprocess
import sys

import pytest

GOOD = {
    "STEPWISE_PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "attendance.example.org",
    "DATABASE_URL": "sqlite:////tmp/stepwise-settings-test.sqlite3",
    "DJANGO_SETTINGS_MODULE": "stepwise.settings",
}


def stepwise(tmp_path, *args: str, **changes: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, **GOOD, "STEPWISE_DATA_DIR": str(tmp_path)}
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "SENTRY_DSN"):
        env.pop(name, None)  # the browser tests set one for their own process
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-m", "stepwise.cli", *args], env=env, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy(tmp_path):
    out = stepwise(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert out.returncode == 0, out.stderr
    assert "no issues" in out.stdout


# Each row: the change to a good environment, and what the refusal must say.
REFUSALS = [
    ({"SECRET_KEY": None}, "SECRET_KEY must be set in production"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 50 characters in production"),
    ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set in production"),
    ({"DATABASE_URL": None}, "DATABASE_URL must be set in production"),
    ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL must start with sqlite:/// or postgres://"),
    (
        {"REDIS_URL": "http://cache:6379"},
        "REDIS_URL must start with redis://, rediss:// or unix://",
    ),
    ({"SENTRY_DSN": "sentry.example.org"}, "SENTRY_DSN must start with http:// or https://"),
    ({"DEBUG": "1"}, "DEBUG must be off in production"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or text"),
    ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be a whole number"),
]


@pytest.mark.parametrize(("changes", "message"), REFUSALS)
def test_a_missing_or_bad_setting_stops_the_start_and_is_named(tmp_path, changes, message):
    out = stepwise(tmp_path, "check", **changes)
    assert out.returncode != 0
    assert out.stderr.startswith(f"stepwise: {message}"), out.stderr
    assert "Traceback" not in out.stderr
