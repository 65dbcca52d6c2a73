"""Helpers of the tests that run kam's real processes (`kam worker`, `kam serve`) on a scratch
database: run a snippet through `kam shell`, read a table directly, wait for a condition."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psycopg

KAM = str(Path(sys.executable).with_name("kam"))
T = TypeVar("T")


def kam_python(env: dict[str, str], code: str) -> Any:
    """Run `code` in `kam shell` against env's database; it prints one JSON value."""
    out = subprocess.run(  # noqa: S603 - our own console script
        [KAM, "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    """Rows of `sql` read straight from env's database (no Django, no test transaction)."""
    url = env.get("KAM_DATABASE_URL")
    if url:
        with psycopg.connect(url, autocommit=True) as connection:
            return list(connection.execute(sql).fetchall())  # type: ignore[arg-type]
    path = Path(env["KAM_HOME"]) / "kam.sqlite3"
    connection = sqlite3.connect(path, timeout=30)
    try:
        return list(connection.execute(sql).fetchall())
    finally:
        connection.close()


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Poll `check` until it returns something (not None); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
