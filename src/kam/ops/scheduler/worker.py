"""The worker loop of `kam worker`: django-tasks-db's worker, ticking the scheduler between
tasks and while the queue is empty, beating its heartbeat, and riding out a busy database.

On SQLite a long import holds the store's write lock; every write of the loop (claiming a
task, recording its result, ticking the schedule) may then meet "database is locked". The
worker waits and tries again with back-off instead of dying (kam.core.workers.retry_when_busy).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import OperationalError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

from kam.core.busy import database_busy
from kam.core.workers import Heartbeat, retry_when_busy, worker_heartbeat
from kam.ops.scheduler.tick import tick
from kam.ops.workers import stopped_workers_sweep

logger = logging.getLogger(__name__)

FIRST_BACKOFF = 0.5  # seconds; doubled after each busy round up to MAX_BACKOFF
MAX_BACKOFF = 30.0
SWEEP_EVERY = 10.0  # seconds between looks for jobs of stopped workers
FINISH_ATTEMPTS = 20  # recording a task's result waits out locks for about seven minutes


class SchedulingWorker(Worker):
    """Runs what is queued like `db_worker`, and ticks the scheduler before each look at
    the queue, so due jobs are enqueued between tasks and while idle."""

    heartbeat: Heartbeat | None = None
    _swept_at = float("-inf")

    def tick(self) -> None:
        try:
            retry_when_busy(
                tick, what="scheduler tick", attempts=4, keep_trying=lambda: self.running
            )
        except Exception:
            # A broken schedule (or a lock that outlasts the retries) must not stop the
            # imports and scores: the next tick tries again.
            logger.exception("scheduler tick failed")

    def sweep(self) -> None:
        """Fail the jobs of workers that stopped beating (at most every SWEEP_EVERY s)."""
        if time.monotonic() - self._swept_at < SWEEP_EVERY:
            return
        try:
            retry_when_busy(stopped_workers_sweep, what="stopped-worker sweep", attempts=3)
        except Exception:
            logger.exception("stopped-worker sweep failed")
        self._swept_at = time.monotonic()

    def run_task(self, db_task_result: Any) -> None:
        # Recording the outcome retries a busy database: a task that ran must not stay
        # "running" because its last write met a lock.
        for name in ("set_successful", "set_failed"):
            setattr(db_task_result, name, _retrying(getattr(db_task_result, name)))
        try:
            if self.heartbeat is None:
                super().run_task(db_task_result)
            else:
                with self.heartbeat.working_on(str(db_task_result.id)):
                    super().run_task(db_task_result)
        finally:
            self.tick()

    def run_scheduled(self, *, batch: bool) -> None:
        """Tick, run every task that is ready (db_worker's batch loop), wait, again; with
        `batch`, one round only. A round that meets a busy database waits and starts over."""
        delay = FIRST_BACKOFF
        while self.running:
            try:
                close_old_connections()
                self.sweep()
                self.tick()
                super().run()
            except OperationalError as error:
                if not database_busy(error):
                    raise
                logger.warning("the database is busy (%s); next look in %.1f s", error, delay)
                connection.close()
                time.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            delay = FIRST_BACKOFF
            if batch or not self.running:
                return
            time.sleep(self.interval)


def _retrying(method: Any) -> Any:
    def call(*args: Any) -> Any:
        return retry_when_busy(
            lambda: method(*args), what="recording a task's result", attempts=FINISH_ATTEMPTS
        )

    return call


def run_worker(*, interval: float, batch: bool, verbosity: int = 1) -> None:
    """`kam worker`: process the default queue and the schedule until stopped, beating a
    heartbeat all along (kam.core.workers)."""
    db_worker.Command().configure_logging(verbosity)
    # db_worker announces every round of its batch loop at INFO; one round is a second here.
    logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
    worker = SchedulingWorker(
        queue_names=["default"],
        interval=interval,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    worker.configure_signals()
    try:
        with worker_heartbeat(kind="db", worker_id=worker.worker_id) as beat:
            worker.heartbeat = beat
            worker.run_scheduled(batch=batch)
    finally:
        worker.reset_signals()
