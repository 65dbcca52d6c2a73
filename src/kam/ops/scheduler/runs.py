"""Following a scheduled run through its task: started, then succeeded or failed."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.timezone import now as timezone_now
from django_tasks.base import TaskResult, TaskResultStatus

from kam.core.errors import Conflict
from kam.ops.models import JOB_RUN_STATUS, JobRunStatus, ScheduledJobRun

logger = logging.getLogger(__name__)


def _rows(task_result: TaskResult[Any]) -> Any:
    return ScheduledJobRun.objects.filter(task_result_id=str(task_result.id))


def run_started(sender: object, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """task_started receiver: the scheduled run of this task (if it is one) is running."""
    try:
        JOB_RUN_STATUS.move(_rows(task_result), JobRunStatus.RUNNING)
    except Conflict:
        # Bookkeeping never fails the task itself (a retried task starts again).
        logger.warning("scheduled run of task %s was not queued", task_result.id)


def run_finished(sender: object, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """task_finished receiver: the scheduled run records its outcome."""
    try:
        _finish(task_result)
    except Conflict:
        logger.warning("scheduled run of task %s was not running", task_result.id)


def _finish(task_result: TaskResult[Any]) -> None:
    rows = _rows(task_result).filter(status=JobRunStatus.RUNNING)
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        JOB_RUN_STATUS.move(rows, JobRunStatus.SUCCEEDED, finished_at=timezone_now())
        return
    errors = task_result.errors
    lines = errors[-1].traceback.strip().splitlines() if errors else []
    message = lines[-1] if lines else str(task_result.status)
    JOB_RUN_STATUS.move(
        rows, JobRunStatus.FAILED, finished_at=timezone_now(), message=message[:1000]
    )
