"""Run the web app and, beside it, a background task worker (letter batches): one command.

The worker is `stepwise db_worker`, started as its own process and session so Ctrl-C
reaches only the web server; when the server stops, the worker is asked to stop
(SIGTERM: it finishes the task it is on) and killed if it has not within the grace.
The server stops on Ctrl-C and on SIGTERM or SIGHUP alike (a service manager, `kill`,
a closed terminal): Python's default for those ends it at once, leaving the worker behind.
"""

import signal
import subprocess
import sys
from types import FrameType

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

WORKER_GRACE_SECONDS = 30


def start_worker() -> subprocess.Popen:
    """Start `stepwise db_worker` in its own session, with this process's settings."""
    return subprocess.Popen(
        [sys.executable, "-m", "stepwise.cli", "db_worker", "--no-reload", "--interval", "1"],
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _stop_server(signum: int, frame: FrameType | None) -> None:
    # Unwind like Ctrl-C does, so `handle`'s `finally` stops the worker.
    raise KeyboardInterrupt(signal.Signals(signum).name)


class Command(BaseCommand):
    help = (
        "Run the Stepwise web app (development server) on http://127.0.0.1:8000, "
        "with a background task worker beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the task worker (run `stepwise db_worker` yourself)",
        )

    def handle(self, *args, addr: str, no_worker: bool, **options) -> None:
        for stop in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop, _stop_server)
        worker = None if no_worker else start_worker()
        if worker is not None:
            self.stdout.write(f"Background task worker started (process {worker.pid})")
        self.stdout.write(f"Stepwise is at http://{addr}/ (Ctrl-C stops it)")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            if worker is not None:
                stop_worker(worker)
