"""Worker heartbeats (kam.core.workers): a worker beats while it runs, also during a long
task, and stops counting as live once its beats stop."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.db import OperationalError
from django.utils.timezone import now as timezone_now

from kam.core.busy import database_busy
from kam.core.models import WorkerHeartbeat
from kam.core.workers import (
    current_worker_id,
    live_worker_ids,
    retry_when_busy,
    worker_heartbeat,
    worker_last_beat,
)


@pytest.mark.django_db(transaction=True)  # the heartbeat thread writes on its own connection
def test_a_worker_beats_from_its_thread_while_the_block_runs_and_leaves_cleanly() -> None:
    with worker_heartbeat(worker_id="w-1", every=0.1) as beat:
        first = WorkerHeartbeat.objects.get(worker_id="w-1")
        assert (first.pid, current_worker_id()) == (os.getpid(), "w-1")
        with beat.working_on("task-7"):
            # The main thread is busy; the beats keep coming.
            beaten = threading.Event()
            for _ in range(50):
                row = WorkerHeartbeat.objects.get(worker_id="w-1")
                if row.beat_at > first.beat_at and row.task == "task-7":
                    beaten.set()
                    break
                beaten.wait(0.1)
            assert beaten.is_set()
        assert live_worker_ids() == {"w-1"}

    assert not WorkerHeartbeat.objects.exists()
    assert current_worker_id() == ""


@pytest.mark.django_db(transaction=True)
def test_a_beat_waits_while_the_worker_keeps_quiet_for_a_fork() -> None:
    # Given a worker's heartbeat
    with worker_heartbeat(worker_id="w-q", every=60) as beat:
        before = WorkerHeartbeat.objects.get(worker_id="w-q").beat_at
        written = threading.Event()

        def beat_now() -> None:
            beat.beat()
            written.set()

        # When a beat is asked for while the worker keeps quiet (as around a fork)
        with beat.quiet():
            thread = threading.Thread(target=beat_now)
            thread.start()
            # Then it does not touch the database until the quiet ends
            assert not written.wait(0.3)
        thread.join(5)
        assert written.is_set()
        assert WorkerHeartbeat.objects.get(worker_id="w-q").beat_at > before


@pytest.mark.django_db
def test_a_worker_silent_past_the_limit_is_not_live(settings) -> None:
    settings.KAM_WORKER_STALE_SECONDS = 30
    now = timezone_now()
    # pid above Linux's pid_max: no such process runs here.
    common = {"host": "elsewhere", "pid": 2**22 + 1, "started_at": now}
    for worker_id, silent in (("fresh", 5), ("stale", 31)):
        beat_at = now - dt.timedelta(seconds=silent)
        WorkerHeartbeat.objects.create(worker_id=worker_id, beat_at=beat_at, **common)

    assert live_worker_ids(now) == {"fresh"}
    assert worker_last_beat() == now - dt.timedelta(seconds=5)


def test_only_a_locked_or_busy_database_is_retried() -> None:
    calls: list[int] = []

    def locked_twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "done"

    assert retry_when_busy(locked_twice, what="test", first_delay=0.01) == "done"
    assert len(calls) == 3
    assert database_busy(OperationalError("database is locked"))
    assert not database_busy(OperationalError("no such table: x"))

    def broken() -> None:
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError, match="no such table"):
        retry_when_busy(broken, what="test")


class _LockNotAvailable(Exception):
    sqlstate = "55P03"  # PostgreSQL's lock timeout, as psycopg names it


@pytest.mark.parametrize(
    "message", ["database is locked", "database table is locked", "database is busy", "lock"]
)
def test_the_worker_retries_every_error_a_page_answers_busy_for(message: str) -> None:
    # Given an action that first meets an error the web answers 503 for (kam.core.busy):
    # SQLite's words, or PostgreSQL's lock timeout
    error = OperationalError(message)
    if message == "lock":
        error.__cause__ = _LockNotAvailable()
    calls: list[int] = []

    def busy_once() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise error
        return "done"

    # When the worker runs it, Then it waits and tries again: one rule for both
    assert database_busy(error)
    assert retry_when_busy(busy_once, what="test", first_delay=0.01) == "done"
    assert len(calls) == 2
