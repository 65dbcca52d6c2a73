"""The sweep after stopped workers: the jobs a dead worker was running are failed (and can be
retried), its task results closed, old uploads pruned (docs/rules.md, "Workers").

Liveness itself is kam.core.workers (below every app, so that the ledger and the portfolio
can tell a dead worker's jobs without importing ops); this module only calls each app's own
service for its jobs, as ops may."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kam.core.workers import live_worker_ids, workers_forget_stopped
from kam.ledger.merging import import_batches_remove_abandoned
from kam.ledger.upkeep import import_jobs_fail_stopped, import_uploads_prune
from kam.ops.models import JOB_RUN_STATUS, JobRunStatus, ScheduledJobRun
from kam.portfolio.services.scoring import score_runs_fail_stopped

logger = logging.getLogger(__name__)

# The task result's traceback is for developers (English); the scheduled run's message is read
# on the "Scheduled jobs" admin page, in the language the sweep runs in (the site's).
STOPPED_WORKER_TRACEBACK = "The worker running this task stopped beating (killed or crashed)."
STOPPED_WORKER_MESSAGE = gettext_lazy("The worker running this job stopped (killed or crashed).")


@dataclass(frozen=True)
class SweepOutcome:
    imports_failed: int
    score_runs_failed: int
    task_results_failed: int
    uploads_pruned: int


def _task_results_fail_stopped(live: set[str]) -> int:
    """Database task results left running by a worker that stopped: failed, so that the
    queue does not show them running forever (the task's own job row says why)."""
    failed: list[str] = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for result in running.only("pk", "worker_ids"):
        if not result.worker_ids or result.worker_ids[-1] in live:
            continue
        closed = running.filter(pk=result.pk).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone_now(),
            exception_class_path="kam.ops.workers.WorkerStopped",
            traceback=STOPPED_WORKER_TRACEBACK,
        )
        if closed:
            failed.append(str(result.pk))
    # A scheduled run follows its task (kam.ops.scheduler.runs); no task_finished signal comes
    # from a dead worker, so the sweep records the outcome itself.
    JOB_RUN_STATUS.move(
        ScheduledJobRun.objects.filter(task_result_id__in=failed, status=JobRunStatus.RUNNING),
        JobRunStatus.FAILED,
        finished_at=timezone_now(),
        message=str(STOPPED_WORKER_MESSAGE),
    )
    return len(failed)


def stopped_workers_sweep(
    *, prune_uploads: bool = False, idle: frozenset[str] = frozenset()
) -> SweepOutcome:
    """Fail every import job and score run whose worker stopped beating, or whose worker is
    `idle` while its job still shows running (an RQ worker whose job's process was killed), and
    the task results they left running, and the import batches they left merging; with
    `prune_uploads`, delete uploads past their keeping time."""
    with transaction.atomic():
        imports = import_jobs_fail_stopped(idle=idle)
        runs = score_runs_fail_stopped(idle=idle)
        results = _task_results_fail_stopped(live_worker_ids() - idle)
        workers_forget_stopped()
    import_batches_remove_abandoned()  # after the jobs: their workers are known stopped
    pruned = import_uploads_prune() if prune_uploads else 0
    if imports or runs:
        logger.warning(
            "failed %d import job(s) and %d score run(s) of stopped workers", imports, runs
        )
    return SweepOutcome(imports, runs, results, pruned)
