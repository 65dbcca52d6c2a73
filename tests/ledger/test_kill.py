"""A ledger import killed midway leaves the database exactly as before; a worker killed
mid-job leaves the job failed and retryable."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import KAM
from tests.processes import kam_python

COUNT = (
    "from kam.ledger.models import *; from kam.accounts.models import Account; "
    "print(LedgerLine.objects.count(), ImportBatch.objects.count(), "
    "Account.objects.count())"
)
ROWS = 600_000
# The CLI's progress bar reads "rows done/rows expected"; rich draws it on a pipe when told to.
PROGRESS = re.compile(rb"(\d+)/" + str(ROWS).encode())
SHOW_PROGRESS = {"TTY_INTERACTIVE": "1", "TTY_COMPATIBLE": "1"}
PROGRESS_TIMEOUT = 120.0


def watch_progress(stream: io.BufferedReader, midway: threading.Event) -> None:
    """Set `midway` once the import reports some rows stored but not all of them."""
    for chunk in iter(lambda: stream.read1(4096), b""):
        done = [int(rows) for rows in PROGRESS.findall(chunk)]
        if any(0 < rows < ROWS for rows in done):
            midway.set()


@pytest.mark.slow
def test_killing_an_import_midway_leaves_nothing_behind(tmp_path: Path, scratch_database) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("customer,date,amount,document,line\n")
        for index in range(ROWS):
            handle.write(
                f"K{index % 5000},2026-{index % 12 + 1:02d}-15,{index % 997}.25,D{index},1\n"
            )
    importing = subprocess.Popen(  # noqa: S603 - our own console script
        [KAM, "import", "ledger", str(path)],
        env={**scratch_database, **SHOW_PROGRESS},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    midway = threading.Event()
    assert importing.stderr is not None
    watcher = threading.Thread(target=watch_progress, args=(importing.stderr, midway), daemon=True)
    watcher.start()
    reached = midway.wait(timeout=PROGRESS_TIMEOUT)
    importing.send_signal(signal.SIGKILL)
    importing.wait(timeout=30)
    watcher.join(timeout=30)

    assert reached, f"the import reported no rows stored within {PROGRESS_TIMEOUT:.0f} s"
    counts = kam_python(scratch_database, COUNT).split()

    assert importing.returncode == -signal.SIGKILL, "the import finished before the kill"
    assert counts == ["0", "0", "0"]


JOB_ROWS = 200_000
# A worker silent for this long has stopped; the test's workers beat every second.
STALE = {"KAM_WORKER_STALE_SECONDS": "4", "KAM_WORKER_HEARTBEAT_SECONDS": "1"}
QUEUE_JOB = """
import json
from kam.ledger.jobs import import_job_create
from kam.org.models import User
user = User.objects.create(username="importer", role="director")
with open({path!r}, "rb") as handle:
    job = import_job_create(actor=user, file_name="big.csv", content=handle, size={size})
print(json.dumps(str(job.pk)))
"""
RETRY_JOB = """
import json
from kam.ledger.jobs import import_job_retry
from kam.ledger.models import ImportJob
job = import_job_retry(actor=ImportJob.objects.get().created_by, job=ImportJob.objects.get())
print(json.dumps(job.status))
"""


def rows_read(home: Path, job_id: str) -> int:
    """The job's progress as the worker reports it (the shared file cache under KAM_HOME)."""
    from django.core.cache.backends.filebased import FileBasedCache

    from kam.ledger.jobs import PROGRESS_KEY

    return int(FileBasedCache(str(home / "cache"), {}).get(PROGRESS_KEY.format(job_id=job_id), 0))


@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_it_failed_and_retryable(
    tmp_path: Path, scratch_database
) -> None:
    from tests.processes import kam_json, query, wait_for

    env = {**scratch_database, **STALE}
    path = tmp_path / "job.csv"
    with path.open("w") as handle:
        handle.write("customer,date,amount,document,line\n")
        for index in range(JOB_ROWS):
            handle.write(f"K{index % 500},2026-{index % 12 + 1:02d}-15,{index % 97}.5,D{index},1\n")
    job_id = kam_json(env, QUEUE_JOB.format(path=str(path), size=path.stat().st_size))
    status = "SELECT status FROM ledger_importjob"
    first = subprocess.Popen([KAM, "worker"], env=env, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        wait_for(
            lambda: rows_read(tmp_path, job_id) or None, timeout=PROGRESS_TIMEOUT, what="progress"
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert query(env, status) == [("running",)], "the import ended before the kill"

    # Given the worker killed mid-job, when the next worker starts, then within a minute the
    # job is failed with a message saying the worker stopped, and nothing was imported.
    killed_at = time.monotonic()
    second = subprocess.Popen([KAM, "worker"], env=env, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        wait_for(lambda: query(env, status) == [("failed",)] or None, timeout=60, what="job failed")
        failed_after = time.monotonic() - killed_at
        [(result,)] = query(env, "SELECT result FROM ledger_importjob")
        lines_then = query(env, "SELECT count(*) FROM ledger_ledgerline")

        # When it is retried, the worker imports it whole.
        assert kam_json(env, RETRY_JOB) == "queued"
        wait_for(
            lambda: query(env, status) == [("imported",)] or None, timeout=180, what="imported"
        )
    finally:
        second.terminate()
        second.wait(timeout=60)

    assert failed_after < 60
    assert "The background worker stopped while this import ran" in str(result)
    assert lines_then == [(0,)]
    assert query(env, "SELECT count(*) FROM ledger_ledgerline") == [(JOB_ROWS,)]
    assert second.returncode == 0
    assert query(env, "SELECT count(*) FROM core_workerheartbeat") == [(1,)]  # the killed one
