"""`kam worker` on Redis (KAM_QUEUE_URL): real workers on the local Redis carry out an import
and a scoring run queued by a real server, and the schedule's due job once (docs/scale.md)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import requests

from tests.conftest import KAM
from tests.processes import (
    JOB_TIMEOUT,
    MAKE_NIGHTLY_DUE,
    kam,
    kam_python,
    nightly_finished,
    running,
    serving,
    wait_for,
)

ACCOUNTS, MONTHS = 30, 12
ROWS = ACCOUNTS * MONTHS
STORED = (
    "from django_tasks_db.models import DBTaskResult; from kam.ledger.models import LedgerLine; "
    "from kam.portfolio.models import Snapshot; "
    "print(LedgerLine.objects.count(), Snapshot.objects.values('account').distinct().count(), "
    "DBTaskResult.objects.count())"
)


def ledger_csv(path: Path) -> Path:
    with path.open("w") as handle:
        handle.write("customer,date,amount,document,line\n")
        for month in range(1, MONTHS + 1):
            for account in range(ACCOUNTS):
                handle.write(
                    f"K{account:03d},2026-{month:02d}-15,{100 + account}.50,D{month},{account}\n"
                )
    return path


def finished(url: str, token: str, *, pending: set[str]) -> dict[str, object] | None:
    body: dict[str, object] = requests.get(
        url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    return None if body["status"] in pending else body


@pytest.mark.slow
def test_redis_workers_carry_out_an_import_a_scoring_and_the_due_job_once(
    tmp_path: Path, scratch_database: dict[str, str], redis_url: str
) -> None:
    # Given a server and three workers (one alone, two in a pool), each with its own home as on
    # separate machines: one database, one Redis, one upload directory, one secret key.
    shared = {
        **scratch_database,
        "KAM_QUEUE_URL": redis_url,
        "KAM_UPLOAD_DIR": str(tmp_path / "uploads"),
        "KAM_HTTPS": "false",
    }
    server_env = {**shared, "KAM_HOME": str(tmp_path / "server")}
    worker_env = {**shared, "KAM_HOME": str(tmp_path / "worker")}
    kam(server_env, "user", "add", "dora", "--role", "director", "--password", "x-Pass-2026")
    token = kam(server_env, "token", "create", "dora").strip().splitlines()[-1]
    assert kam_python(server_env, MAKE_NIGHTLY_DUE) == "1"
    headers = {"Authorization": f"Bearer {token}"}

    with (
        serving(server_env, log=tmp_path / "serve.log") as base,
        running(worker_env, "worker", log=tmp_path / "worker-1.log"),
        running(worker_env, "worker", "--processes", "2", log=tmp_path / "worker-2.log"),
    ):
        # When the server queues an import, then a scoring run.
        with ledger_csv(tmp_path / "ledger.csv").open("rb") as upload:
            created = requests.post(
                f"{base}/api/v1/imports", headers=headers, files={"file": upload}, timeout=30
            )
        assert created.status_code == 202, created.text
        job = wait_for(
            lambda: finished(
                f"{base}/api/v1/imports/{created.json()['id']}",
                token,
                pending={"queued", "running"},
            ),
            timeout=JOB_TIMEOUT,
            what="the import",
        )
        scoring = requests.post(
            f"{base}/api/v1/portfolio/score",
            headers=headers,
            json={"as_of": "2026-12-31"},
            timeout=30,
        )
        assert scoring.status_code == 202, scoring.text
        run = wait_for(
            lambda: finished(
                f"{base}/api/v1/portfolio/score/{scoring.json()['id']}",
                token,
                pending={"queued", "running"},
            ),
            timeout=JOB_TIMEOUT,
            what="the scoring run",
        )
        nightly = wait_for(
            lambda: nightly_finished(server_env), timeout=JOB_TIMEOUT, what="the nightly run"
        )
        stored = kam_python(server_env, STORED)

    # Then both jobs ended as they would on the database queue, the due job ran once with four
    # workers ticking, and nothing went through the database queue.
    assert job["status"] == "imported", job
    result = job["result"]
    assert isinstance(result, dict)
    assert (result["lines_added"], result["accounts_created_count"]) == (ROWS, ACCOUNTS)
    assert job["rows_done"] == ROWS
    assert (run["status"], run["accounts"]) == ("done", ACCOUNTS), run
    assert nightly == "['succeeded']"
    assert stored == f"{ROWS} {ACCOUNTS} 0"


@pytest.mark.slow
def test_every_process_shares_the_cache_through_redis(tmp_path: Path, redis_url: str) -> None:
    # Given two processes with their own homes (two machines) and KAM_QUEUE_URL set.
    env = {**os.environ, "KAM_QUEUE_URL": redis_url, "KAM_CACHE_URL": ""}
    one = {**env, "KAM_HOME": str(tmp_path / "one")}
    two = {**env, "KAM_HOME": str(tmp_path / "two")}

    # When one writes import progress in the cache, the other reads it (the queue's Redis).
    kam_python(one, "from django.core.cache import cache; cache.set('kam:probe', 1234)")
    seen = kam_python(two, "from django.core.cache import cache; print(cache.get('kam:probe'))")

    assert seen == "1234"


def test_a_queue_address_that_is_not_redis_is_refused_at_start(tmp_path: Path) -> None:
    env = {**os.environ, "KAM_HOME": str(tmp_path), "KAM_QUEUE_URL": "amqp://127.0.0.1/"}

    done = subprocess.run(  # noqa: S603 - our own console script
        [KAM, "check"], env=env, capture_output=True, text=True, check=False
    )

    assert done.returncode != 0
    assert "KAM_QUEUE_URL must be a redis:// address, not 'amqp://127.0.0.1/'" in done.stderr
