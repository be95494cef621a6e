"""Production settings pass Django's deployment checks with no warnings."""

import os
import secrets
import subprocess
import sys


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "STEPWISE_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "STEPWISE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "stepwise.settings",
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    out = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "STEPWISE_PRODUCTION": "1",
        "STEPWISE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "stepwise.settings",
    }
    env.pop("SECRET_KEY", None)
    out = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "SECRET_KEY must be set in production" in out.stderr
