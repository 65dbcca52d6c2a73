"""Carrying out a scheduled run in the worker: running, then succeeded or failed.

The tick queues `scheduled_run_task` with the run's id once the run row is committed, so the
run is found by its id in any worker and on any queue backend (on Redis a worker can start a
task before the enqueuing transaction commits; a run looked up by task id could be missed)."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string
from django.utils.timezone import now as timezone_now
from django_tasks.base import Task

from kam.ops.models import JOB_RUN_STATUS, JobRunStatus, ScheduledJobRun


def scheduled_task(path: str) -> Task[Any, Any]:
    """The background task at dotted `path`; ImportError or TypeError when there is none."""
    task = import_string(path)
    if not isinstance(task, Task):
        raise TypeError(f"{path} is not a background task")
    return task


def error_message(error: BaseException) -> str:
    """How a failed run names its error: the class and the message, as a traceback's last line."""
    return f"{type(error).__name__}: {error}"[:1000]


def scheduled_run_execute(*, run_id: int, task_path: str, arguments: dict[str, Any]) -> Any:
    """Call the job's task in this worker and record the outcome on the run (docs/rules.md,
    "Scheduled jobs"). Raises the task's own error after recording it, so the queue keeps it
    too; Conflict when the run is not queued (it ran already)."""
    rows = ScheduledJobRun.objects.filter(pk=run_id)
    JOB_RUN_STATUS.move(rows, JobRunStatus.RUNNING)
    try:
        value = scheduled_task(task_path).call(**arguments)
    except Exception as error:
        JOB_RUN_STATUS.move(
            rows, JobRunStatus.FAILED, finished_at=timezone_now(), message=error_message(error)
        )
        raise
    JOB_RUN_STATUS.move(rows, JobRunStatus.SUCCEEDED, finished_at=timezone_now())
    return value
