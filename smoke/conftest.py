"""The production stack, started as docs/deploy.md starts it, for the smoke test.

A fresh PostgreSQL database is deployed (`stepwise deploy`) and given the demo, then
`stepwise serve --production` runs two gunicorn web workers and one task worker with
Redis as the shared cache, behind nginx terminating TLS with a throwaway certificate and
setting X-Forwarded-Proto, as the single-server runbook's proxy does. Everything started
here is stopped by its process id at the end; the database is dropped.

Needs PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/test), Redis
(SMOKE_REDIS_URL, default redis://127.0.0.1:6379/15, flushed first) and Debian's nginx
(installed by `make test`). STEPWISE_SMOKE_DATABASE names an existing database to deploy
and serve instead of a fresh one, and keeps it: loading the demo takes most of a minute.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[1]
STEPWISE = [sys.executable, "-m", "stepwise.cli"]
NGINX = "/usr/sbin/nginx"
NGINX_CONF = Path(__file__).with_name("nginx.conf")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    url: str  # where a browser reaches it: https, through nginx
    env: dict[str, str]
    log: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def stepwise(self, *args: str) -> str:
        """Run a stepwise command against the stack's database; return what it printed."""
        done = subprocess.run(
            [*STEPWISE, *args], env=self.env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"stepwise {' '.join(args)}: {done.stderr}"
        return done.stdout

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            # As the proxy would send it: otherwise the answer is a redirect to https.
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            urllib.request.urlopen(request, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    pg_url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/test")
    kept = os.environ.get("STEPWISE_SMOKE_DATABASE")
    name = kept or f"stepwise_smoke_{os.getpid()}"
    server = urlparse(pg_url)
    admin = psycopg.connect(pg_url, autocommit=True)
    if not kept:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    redis_url = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis.Redis.from_url(redis_url).flushdb()

    work = tmp_path_factory.mktemp("stack")
    app_port, tls_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "STEPWISE_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": server._replace(path=f"/{name}").geturl(),
        "REDIS_URL": redis_url,
        "BEHIND_TLS_PROXY": "1",
        "STEPWISE_DATA_DIR": str(work / "data"),
    }
    env.pop("DEBUG", None)
    stack = Stack(url=f"https://127.0.0.1:{tls_port}", env=env, log=work / "stack.log")
    stack.stepwise("deploy")
    stack.stepwise("demo", "--if-empty")

    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    conf = NGINX_CONF.read_text().format(
        work=work, tls_port=tls_port, app=f"127.0.0.1:{app_port}", root=ROOT
    )
    (work / "nginx.conf").write_text(conf)
    with stack.log.open("w") as log:
        stack.processes.append(
            subprocess.Popen(
                [*STEPWISE, "serve", "--production", "--addr", f"127.0.0.1:{app_port}",
                 "--workers", "2", "--task-workers", "1"],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        stack.processes.append(
            subprocess.Popen(
                [NGINX, "-p", str(work), "-c", str(work / "nginx.conf")],
                stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{app_port}/sign-in/")
        yield stack
    finally:
        for process in reversed(stack.processes):
            stop(process)
        if not kept:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
