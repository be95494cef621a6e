"""Run the web app and, beside it, a background task worker (letter batches): one command.

Development (the default): Django's development server, with `stepwise db_worker` started
as its own process and session so Ctrl-C reaches only the web server; when the server
stops, the worker is asked to stop (SIGTERM: it finishes the task it is on) and killed if
it has not within the grace. The server stops on Ctrl-C and on SIGTERM or SIGHUP alike (a
service manager, `kill`, a closed terminal): Python's default for those ends it at once,
leaving the worker behind.

Production (`--production`): gunicorn with several web workers and the task workers,
supervised by stepwise.ops.supervise. It refuses to start on a database that is not
exactly this release's schema (run `stepwise deploy` first), and runs more than one web
process only with a shared cache (REDIS_URL): rate limits and cached pages would
otherwise be counted and invalidated per process.
"""

import os
import signal
import subprocess
import sys
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.ops import supervise
from stepwise.ops.migrations_state import newer_database_message, schema_state

WORKER_GRACE_SECONDS = 30


def start_worker() -> subprocess.Popen:
    """Start `stepwise db_worker` in its own session, with this process's settings."""
    return subprocess.Popen(supervise.task_worker_command(), start_new_session=True)


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def default_web_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY", 2 if settings.REDIS_URL else 1))


def _stop_server(signum: int, frame: FrameType | None) -> None:
    # Unwind like Ctrl-C does, so `handle`'s `finally` stops the worker.
    raise KeyboardInterrupt(signal.Signals(signum).name)


class Command(BaseCommand):
    help = (
        "Run the Stepwise web app with a background task worker beside it: Django's "
        "development server on http://127.0.0.1:8000, or with --production gunicorn's "
        "web workers and supervised task workers (see docs/deploy.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a task worker (run `stepwise db_worker` yourself)",
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="serve with gunicorn and supervised task workers (after `stepwise deploy`)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="web worker processes with --production (default: WEB_CONCURRENCY, else "
            "2 with REDIS_URL set and 1 without)",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=1,
            help="task worker processes with --production (default 1; 0 with --no-worker)",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default="127.0.0.1,::1",
            help="addresses of the TLS proxy whose X-Forwarded-* headers are believed",
        )

    def handle(
        self,
        *args,
        addr: str,
        no_worker: bool,
        production: bool,
        workers: int | None,
        task_workers: int,
        forwarded_allow_ips: str,
        **options,
    ) -> None:
        if production:  # the supervisor handles its own signals
            sys.exit(
                self.serve_production(
                    addr=addr,
                    workers=default_web_workers() if workers is None else workers,
                    task_workers=0 if no_worker else task_workers,
                    forwarded_allow_ips=forwarded_allow_ips,
                )
            )
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

    def serve_production(
        self, *, addr: str, workers: int, task_workers: int, forwarded_allow_ips: str
    ) -> int:
        if workers < 1 or task_workers < 0:
            raise CommandError("--workers must be at least 1 and --task-workers at least 0")
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                f"{workers} web workers need a shared cache: set REDIS_URL (for example "
                "redis://127.0.0.1:6379/0), or run one web worker. Without it each process "
                "would count API rate limits and cache pages on its own."
            )
        state = schema_state()
        if state.database_is_newer:
            raise CommandError(newer_database_message(state))
        if state.pending:
            raise CommandError(
                f"The database lacks {len(state.pending)} migration(s) of this release: "
                "run `stepwise deploy` first."
            )

        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        web = supervise.Supervised(
            "web server",
            supervise.gunicorn_command(
                bind=addr, workers=workers, forwarded_allow_ips=forwarded_allow_ips
            ),
        )
        tasks = [
            supervise.Supervised(f"task worker {n + 1}", supervise.task_worker_command())
            for n in range(task_workers)
        ]
        say(f"Stepwise (production) on {addr}: {workers} web and {task_workers} task worker(s)")
        return supervise.run(web, tasks, say)
