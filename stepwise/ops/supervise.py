"""Run the production processes: gunicorn's web workers and the task workers, as one service.

gunicorn restarts a web worker that dies; this supervisor restarts a task worker that
dies (after a pause that grows while it keeps dying, so a broken worker cannot spin),
and stops everything when it is asked to stop (SIGTERM or SIGINT) or when gunicorn
stops: the web workers finish their requests, the task workers the task they are on.
"""

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

GRACE_SECONDS = 30
RESTART_PAUSES = (1, 2, 5, 10, 30)  # seconds before restarting a task worker, by failures


@dataclass
class Supervised:
    """A process to keep running, and how often it has had to be restarted lately."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    failures: int = 0
    restart_at: float = 0.0
    started_at: float = field(default=0.0)

    def start(self, say: Callable[[str], None]) -> None:
        self.process = subprocess.Popen(self.command)
        self.started_at = time.monotonic()
        say(f"{self.name} started (process {self.process.pid})")


def gunicorn_command(*, bind: str, workers: int, forwarded_allow_ips: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "stepwise.wsgi:application",
        "--config",
        "python:stepwise.ops.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
        # Recycle a worker now and then so a slow leak cannot grow without bound.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--timeout",
        "120",  # a subject access export or a bundle can take a while on a busy server
        "--graceful-timeout",
        str(GRACE_SECONDS),
        "--forwarded-allow-ips",
        forwarded_allow_ips,
        "--no-control-socket",
    ]


def task_worker_command() -> list[str]:
    return [sys.executable, "-m", "stepwise.cli", "db_worker", "--no-reload", "--interval", "1"]


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=GRACE_SECONDS + 5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(web: Supervised, workers: list[Supervised], say: Callable[[str], None]) -> int:
    """Start the web server and task workers; keep the workers up until told to stop."""
    stopping = False

    def ask_to_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    web.start(say)
    for worker in workers:
        worker.start(say)
    status = 0
    try:
        while not stopping:
            time.sleep(0.5)
            assert web.process is not None
            if web.process.poll() is not None:
                status = web.process.returncode
                say(f"{web.name} stopped (exit status {status}); stopping the task workers")
                break
            for worker in workers:
                _keep_up(worker, say)
    finally:
        for process in [web.process, *(worker.process for worker in workers)]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [web.process, *(worker.process for worker in workers)]:
            stop(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("stopped")
    return status


def _keep_up(worker: Supervised, say: Callable[[str], None]) -> None:
    process = worker.process
    now = time.monotonic()
    if process is not None and process.poll() is None:
        if now - worker.started_at > 60:
            worker.failures = 0  # it has stayed up: a later death starts the pauses afresh
        return
    if process is not None:
        pause = RESTART_PAUSES[min(worker.failures, len(RESTART_PAUSES) - 1)]
        say(f"{worker.name} stopped (exit status {process.returncode}); restarting in {pause} s")
        worker.failures += 1
        worker.restart_at = now + pause
        worker.process = None
    if now >= worker.restart_at:
        worker.start(say)
