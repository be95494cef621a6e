"""Back up and restore the whole database: SQLite's online backup API, or pg_dump/pg_restore."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def _settings(alias: str) -> dict:
    return connections[alias].settings_dict


def _pg_env(s: dict) -> dict[str, str]:
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return env


def _pg_args(s: dict) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    return args


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def backup(path: Path, *, alias: str = "default") -> Path:
    """Write a consistent copy of the live database to `path`, while it stays in use."""
    s = _settings(alias)
    if s["ENGINE"].endswith("sqlite3"):
        name = str(s["NAME"])
        source = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            target = sqlite3.connect(path)
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
    elif s["ENGINE"].endswith("postgresql"):
        _run(
            ["pg_dump", "--format=custom", "--file", str(path), *_pg_args(s), s["NAME"]], _pg_env(s)
        )
    else:
        raise BackupError(f"cannot back up a {s['ENGINE']} database")
    return path


def restore(path: Path, *, alias: str = "default") -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not path.exists():
        raise BackupError(f"no backup file at {path}")
    s = _settings(alias)
    connections[alias].close()
    if s["ENGINE"].endswith("sqlite3"):
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            raise BackupError(f"{path} is not a SQLite backup ({e})") from None
        target = sqlite3.connect(s["NAME"])
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
    elif s["ENGINE"].endswith("postgresql"):
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                s["NAME"],
                *_pg_args(s),
                str(path),
            ],
            _pg_env(s),
        )
    else:
        raise BackupError(f"cannot restore a {s['ENGINE']} database")
