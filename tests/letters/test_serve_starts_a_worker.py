"""`stepwise serve` starts the background task worker beside the web server, and stops it.

So `make run` sends letter batches with no extra step. Runs the real command on a
fresh SQLite database in a temporary folder, on a free port of this machine.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

STARTED = "Background task worker started (process "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A process that ended but was not yet reaped by its parent is a zombie: not alive.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[1].startswith("Z"))


# Ctrl-C at a terminal; SIGTERM from a service manager, `kill` or a container stopping.
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_runs_a_worker_and_stops_it_with_the_server(tmp_path, stop):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "STEPWISE_DATA_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "stepwise.cli"]
    subprocess.run([*command, "migrate", "--verbosity", "0"], env=env, check=True, timeout=300)
    port = free_port()
    server = subprocess.Popen(
        [*command, "serve", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = 0
    try:
        line = ""
        deadline = time.monotonic() + 60
        while STARTED not in line and time.monotonic() < deadline:
            line = server.stdout.readline()  # type: ignore[union-attr]
        assert STARTED in line, "serve did not start a worker"
        worker = int(line.split(STARTED)[1].split(")")[0])
        assert alive(worker)
        time.sleep(2)  # the worker has connected and is polling for tasks
        assert alive(worker) and server.poll() is None
        server.send_signal(stop)
        server.wait(timeout=60)
        deadline = time.monotonic() + 10
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker), "the worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if worker and alive(worker):  # leave no orphan behind a failed run
            os.kill(worker, signal.SIGKILL)
