"""The real worker processes: `kam serve --with-worker` restarts a worker that was killed,
`/healthz` follows the worker's heartbeat, and on SQLite a worker survives a write lock held
by another connection (kam.ops.supervisor, kam.ops.scheduler.worker)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.test_serve import _free_port
from tests.processes import KAM, kam_json, process_runs, query, wait_for

pytestmark = pytest.mark.slow

FAST_BEATS = {"KAM_WORKER_STALE_SECONDS": "3", "KAM_WORKER_HEARTBEAT_SECONDS": "0.5"}
RESTARTED = re.compile(r"exited with code -9 \(SIGKILL\).*\n.*started again \(pid (\d+)\)")
QUEUE_JOB = """
import io, json
from kam.ledger.jobs import import_job_create
from kam.org.models import User
user = User.objects.create(username="importer", role="director")
data = b"customer,date,amount\\nC1,2026-10-03,100\\nC2,2026-10-04,50\\n"
job = import_job_create(actor=user, file_name="x.csv", content=io.BytesIO(data), size=len(data))
print(json.dumps(str(job.pk)))
"""


def health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def beating_pids(env: dict[str, str]) -> set[int]:
    """Worker processes with a heartbeat row whose process runs."""
    return {
        pid for (pid,) in query(env, "SELECT pid FROM core_workerheartbeat") if process_runs(pid)
    }


@contextlib.contextmanager
def served(env: dict[str, str], port: int) -> Iterator[list[str]]:
    """`kam serve --with-worker` on `port`; yields the lines it has logged so far."""
    server = subprocess.Popen(  # noqa: S603 - our own console script
        [KAM, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--with-worker"],
        env={**env, "KAM_HTTPS": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert server.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        yield lines
    finally:
        server.terminate()
        server.wait(timeout=60)
        reader.join(timeout=10)


def test_serve_restarts_a_killed_worker_and_health_follows_its_heartbeat(
    scratch_database: dict[str, str],
) -> None:
    env = {**scratch_database, **FAST_BEATS}
    port = _free_port()
    with served(env, port) as log:
        [first] = wait_for(lambda: beating_pids(env) or None, timeout=60, what="a worker beats")
        assert wait_for(lambda: health(port) or None, timeout=30, what="served") == 200

        # When the worker is killed, /healthz goes down once its beats stop …
        os.kill(first, signal.SIGKILL)
        # … and the supervisor starts a new one, which beats, and health comes back.
        match = wait_for(
            lambda: RESTARTED.search("".join(log)), timeout=30, what="the restart is logged"
        )
        second = int(match.group(1))
        wait_for(lambda: second in beating_pids(env) or None, timeout=30, what="the new beats")
        assert wait_for(lambda: health(port) == 200 or None, timeout=30, what="healthy again")

    assert second != first
    assert not process_runs(second), "the server left its worker running"


def test_health_is_down_while_no_worker_beats(scratch_database: dict[str, str]) -> None:
    env = {**scratch_database, **FAST_BEATS}
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own console script
        [KAM, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-collectstatic"],
        env={**env, "KAM_HTTPS": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        assert wait_for(lambda: health(port) or None, timeout=30, what="served") == 503
        worker = subprocess.Popen([KAM, "worker"], env=env, stderr=subprocess.DEVNULL)  # noqa: S603
        wait_for(lambda: health(port) == 200 or None, timeout=60, what="healthy with a worker")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        down_after = time.monotonic()
        wait_for(lambda: health(port) == 503 or None, timeout=30, what="down without it")
    finally:
        if worker is not None:
            worker.kill()
            worker.wait(timeout=10)
        server.terminate()
        server.wait(timeout=30)
    assert time.monotonic() - down_after < 30


# PostgreSQL has no store-wide write lock: a writer waits only for the rows it needs.
@pytest.mark.sqlite_only
def test_a_worker_rides_out_a_write_lock_and_then_runs_the_job(
    scratch_database: dict[str, str],
) -> None:
    env = {**scratch_database, "KAM_WORKER_HEARTBEAT_SECONDS": "0.5"}
    worker = subprocess.Popen(  # noqa: S603 - our own console script
        [KAM, "worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: beating_pids(env) or None, timeout=60, what="the worker beats")
        # Given another connection holding the store's write lock past the busy timeout (10 s) …
        holder = sqlite3.connect(Path(env["KAM_HOME"]) / "kam.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE ops_scheduledjob SET enabled = enabled")
        time.sleep(14)  # the lock must outlast SQLite's busy timeout for the worker to meet it
        still_running = worker.poll() is None
        holder.execute("COMMIT")
        holder.close()
        # … when the lock is gone, a job queued next is run by the same worker.
        job_id = kam_json(env, QUEUE_JOB).replace("-", "")
        wait_for(
            lambda: query(env, "SELECT status FROM ledger_importjob") == [("imported",)] or None,
            timeout=90,
            what=f"job {job_id} imported",
        )
        alive_after = worker.poll() is None
    finally:
        worker.terminate()
        _out, errors = worker.communicate(timeout=60)

    assert still_running and alive_after
    assert "the database is busy" in errors
    assert "Traceback" not in errors
