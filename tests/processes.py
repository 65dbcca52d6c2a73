"""Real kam processes for the tests that need them (`kam worker`, `kam serve`) on a scratch
database (the `scratch_database` fixture): run them and stop them when the test ends, run a
snippet through `kam shell`, read a table directly, wait for a condition."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import requests

from tests.conftest import KAM

T = TypeVar("T")
STARTUP_TIMEOUT = 60.0
# How long a real worker may take over a small job before the test gives up: generous, since
# `make test` runs the two stores side by side and a job then waits for a core.
JOB_TIMEOUT = 300.0
MAKE_NIGHTLY_DUE = (
    "import datetime as dt; from django.utils.timezone import now; "
    "from kam.ops.models import ScheduledJob; "
    "print(ScheduledJob.objects.filter(name='nightly re-score')"
    ".update(next_run_at=now() - dt.timedelta(hours=1)))"
)
NIGHTLY_RUNS = (
    "from kam.ops.models import ScheduledJobRun; "
    "print(list(ScheduledJobRun.objects.filter(job__name='nightly re-score')"
    ".values_list('status', flat=True)))"
)


def kam(env: dict[str, str], *args: str) -> str:
    """Run one kam command to its end; its standard output."""
    done = subprocess.run(  # noqa: S603 - our own console script
        [KAM, *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def kam_python(env: dict[str, str], code: str) -> str:
    """What `code` prints, run by kam's shell against the environment's database."""
    return kam(env, "shell", "--no-imports", "-c", code).strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Poll `check` until it gives something other than None (or fail after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s")


@contextmanager
def running(env: dict[str, str], *args: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A kam process (its output in `log`), stopped as an operator would: SIGTERM, then kill."""
    with log.open("wb") as output:
        # Its own process group: a worker pool's children go with it. Left behind, they would
        # go on taking the jobs of the tests after this one from the shared Redis queue.
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [KAM, *args], env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            _signal_group(process, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], number: signal.Signals) -> None:
    with suppress(ProcessLookupError):  # the group is gone already
        os.killpg(process.pid, number)


@contextmanager
def serving(env: dict[str, str], *, log: Path) -> Iterator[str]:
    """`kam serve` on a free loopback port, once it answers; its base address."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(env, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", log=log) as server:

        def answering() -> bool | None:
            assert server.poll() is None, f"kam serve exited: {log.read_text()[-2000:]}"
            try:
                requests.get(f"{base}/login/", timeout=2)
            except requests.ConnectionError:
                return None
            return True

        wait_for(answering, timeout=STARTUP_TIMEOUT, what="kam serve to answer")
        yield base


def nightly_finished(env: dict[str, str]) -> str | None:
    """The nightly re-score's runs once none is waiting or running (None until then)."""
    runs = kam_python(env, NIGHTLY_RUNS)
    return None if runs == "[]" or "queued" in runs or "running" in runs else runs


def kam_json(env: dict[str, str], code: str) -> Any:
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
    url = env.get("KAM_DATABASE_URL") or ""
    if url.startswith("postgres"):
        with psycopg.connect(url, autocommit=True) as connection:
            return list(connection.execute(sql).fetchall())  # type: ignore[arg-type]
    path = Path(env["KAM_HOME"]) / "kam.sqlite3"
    connection = sqlite3.connect(path, timeout=30)
    try:
        return list(connection.execute(sql).fetchall())
    finally:
        connection.close()


def process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
