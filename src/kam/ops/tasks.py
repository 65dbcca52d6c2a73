"""Background tasks that span apps, run on a schedule (kam.ops.scheduler)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django_tasks import task

from kam.ops.scheduler.runs import scheduled_run_execute
from kam.ops.workers import stopped_workers_sweep
from kam.portfolio.services.scoring import score_run_create


@task()
def nightly_rescore_task() -> str:
    """The nightly re-score: a scoring run as of today, queued like any automatic one."""
    return str(score_run_create(actor=None, reason="nightly re-score").pk)


@task()
def scheduled_run_task(run_id: int, task_path: str, arguments: dict[str, Any]) -> Any:
    """One run of a scheduled job: the job's task, called here, its outcome recorded."""
    return scheduled_run_execute(run_id=run_id, task_path=task_path, arguments=arguments)


@task()
def stopped_workers_sweep_task() -> dict[str, int]:
    """The sweep (every five minutes): jobs of workers that stopped beating are failed, uploads
    past their keeping time deleted (kam.ops.workers)."""
    return dataclasses.asdict(stopped_workers_sweep(prune_uploads=True))
