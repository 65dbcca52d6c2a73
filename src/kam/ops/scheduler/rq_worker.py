"""The worker loop of `kam worker` when KAM_QUEUE_URL puts the jobs in Redis: an RQ worker on
the tasks framework's queues (django-tasks-rq), ticking the scheduler while it waits
(docs/scale.md). Start it on as many machines as needed, or `--processes N` on one."""

from __future__ import annotations

import logging
import math
from typing import Any

import django_rq
from django.db import close_old_connections, connections
from django.utils.module_loading import autodiscover_modules
from django_tasks import task_backends
from django_tasks_rq.backend import Job
from rq.job import Job as RQJob
from rq.queue import Queue
from rq.worker import Worker
from rq.worker_pool import WorkerPool

from kam.core.workers import Heartbeat, worker_heartbeat
from kam.ops.scheduler.tick import tick
from kam.ops.workers import stopped_workers_sweep

logger = logging.getLogger(__name__)

LOG_LEVELS = {0: "WARNING", 1: "INFO"}


class SchedulingRQWorker(Worker):
    """RQ's forking worker (each job in a fresh child process), ticking the scheduler before
    each look at the queue and at least every `interval` seconds while the queue is empty."""

    interval: float = 1.0

    def tick(self) -> None:
        close_old_connections()
        try:
            tick()
        except Exception:
            # A broken schedule (or a lost database) must not stop the imports and scores.
            logger.exception("scheduler tick failed")

    # Not `heartbeat`: RQ's worker has a method of that name (its own beat in Redis).
    kam_heartbeat: Heartbeat | None = None

    def work(self, *args: Any, **kwargs: Any) -> bool:
        # The same heartbeat as the database worker (kam.core.workers): the health page and the
        # sweep of stopped workers see RQ workers too. Forked job processes inherit its id, so
        # the jobs they run are recorded as this worker's.
        with worker_heartbeat(kind="rq", worker_id=self.name) as beat:
            self.kam_heartbeat = beat
            return bool(super().work(*args, **kwargs))

    def execute_job(self, job: RQJob, queue: Queue) -> None:
        if self.kam_heartbeat is None:
            super().execute_job(job, queue)
            return
        with self.kam_heartbeat.working_on(job.id):
            super().execute_job(job, queue)
        # This worker is idle now: a job of its still running lost its process (killed, out
        # of memory) while this parent kept beating; fail it so that it can be retried.
        close_old_connections()
        try:
            stopped_workers_sweep(idle=frozenset({self.name}))
        except Exception:
            logger.exception("failing the jobs of a lost job process failed")

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[RQJob, Queue] | None:
        """Tick, then wait for a job one interval at most; again until one comes. In burst
        mode (`timeout` None) one tick and one look."""
        if timeout is None:
            self.tick()
            return super().dequeue_job_and_maintain_ttl(None, max_idle_time)
        wait = max(1, math.ceil(self.interval))
        while True:
            self.tick()
            # RQ's own wait gives up after `max_idle_time`: one interval, then tick again.
            found = super().dequeue_job_and_maintain_ttl(wait, wait)
            if found is not None or self._stop_requested:
                return found

    def fork_work_horse(self, job: RQJob, queue: Queue) -> None:
        # The child must open its own database connection, not share the tick's socket, nor
        # copy the driver's locks while the heartbeat thread holds them (Heartbeat.quiet).
        connections.close_all()
        if self.kam_heartbeat is None:
            super().fork_work_horse(job, queue)
            return
        with self.kam_heartbeat.quiet():
            super().fork_work_horse(job, queue)


def run_rq_worker(*, interval: float, batch: bool, processes: int = 1, verbosity: int = 1) -> None:
    """`kam worker` on Redis: process the tasks backend's queues and the schedule until
    stopped; with `batch`, until the queues are empty; `processes` workers side by side (a
    pool that restarts any that die)."""
    queue_names = sorted(task_backends["default"].queues)
    worker_class = type("SchedulingRQWorker", (SchedulingRQWorker,), {"interval": interval})
    level = LOG_LEVELS.get(verbosity, "DEBUG")
    # Each job runs in a child forked from this process: import the tasks (and what they
    # import) once here, not again in every child.
    autodiscover_modules("tasks")
    # Workers fork: none may inherit this process's database connection.
    connections.close_all()
    if processes > 1:
        pool = WorkerPool(
            queue_names,
            connection=django_rq.get_connection(queue_names[0]),
            num_workers=processes,
            worker_class=worker_class,
            job_class=Job,
        )
        pool.start(burst=batch, logging_level=level)
        return
    queues = [django_rq.get_queue(name, job_class=Job) for name in queue_names]
    worker = worker_class(queues, connection=queues[0].connection, job_class=Job)
    worker.work(burst=batch, with_scheduler=True, logging_level=level)
