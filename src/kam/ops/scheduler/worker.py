"""The worker loop of `kam worker`: django-tasks-db's worker, ticking the scheduler between
tasks and while the queue is empty."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

from kam.ops.scheduler.tick import tick

logger = logging.getLogger(__name__)


class SchedulingWorker(Worker):
    """Runs what is queued like `db_worker`, and ticks the scheduler before each look at
    the queue, so due jobs are enqueued between tasks and while idle."""

    def tick(self) -> None:
        try:
            tick()
        except Exception:
            # A broken schedule (or a locked database) must not stop the imports and scores.
            logger.exception("scheduler tick failed")

    def run_task(self, db_task_result: Any) -> None:
        try:
            super().run_task(db_task_result)
        finally:
            self.tick()

    def run_scheduled(self, *, batch: bool) -> None:
        """Tick, run every task that is ready (db_worker's batch loop), wait, again; with
        `batch`, one round only."""
        while self.running:
            close_old_connections()
            self.tick()
            super().run()
            if batch or not self.running:
                return
            time.sleep(self.interval)


def run_worker(*, interval: float, batch: bool, verbosity: int = 1) -> None:
    """`kam worker`: process the default queue and the schedule until stopped."""
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
        worker.run_scheduled(batch=batch)
    finally:
        worker.reset_signals()
