"""One tick of the scheduler: claim the due jobs, record each run once, then queue it."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils.timezone import now as timezone_now

from kam.core.workers import retry_when_busy
from kam.ops.models import JobRunStatus, ScheduledJob, ScheduledJobRun
from kam.ops.scheduler.runs import error_message, scheduled_task
from kam.ops.scheduler.schedule import next_slot

logger = logging.getLogger(__name__)


def _slot_after(job: ScheduledJob, now: dt.datetime) -> dt.datetime:
    return next_slot(
        after=now, interval=job.interval, daily_at=job.daily_at, previous=job.next_run_at
    )


def _claim(job: ScheduledJob, now: dt.datetime) -> bool:
    """Move the job's next run past `now` if nobody else has: a conditional UPDATE on the
    slot this worker read, so of two workers ticking at once exactly one wins (on SQLite,
    where there is no row lock, this is the whole guard)."""
    claimed = ScheduledJob.objects.filter(
        pk=job.pk, enabled=True, next_run_at=job.next_run_at
    ).update(next_run_at=_slot_after(job, now), last_run_at=now)
    return claimed == 1


def _record(job: ScheduledJob, now: dt.datetime) -> ScheduledJobRun:
    """The run of the slot just claimed, queued (or failed at once when the job names no
    task). One row per job and slot: the database refuses a second (docs/rules.md)."""
    run = ScheduledJobRun(job=job, due_at=job.next_run_at or now, started_at=now)
    try:
        scheduled_task(job.task)
    except (ImportError, TypeError) as error:
        # A job that cannot even be queued is a failed run; it is due again at its next slot.
        logger.error("scheduled job %s names no task: %s", job.name, error)
        run.status, run.finished_at, run.message = JobRunStatus.FAILED, now, error_message(error)
    run.save()
    return run


def _enqueue(run: ScheduledJobRun, now: dt.datetime) -> None:
    """Queue the run's task once its row is committed (any worker on any backend finds it)."""
    from kam.ops.tasks import scheduled_run_task

    job = run.job
    try:
        result = scheduled_run_task.enqueue(
            run_id=run.pk, task_path=job.task, arguments=job.arguments
        )
    except Exception as error:
        logger.exception("scheduled job %s could not be queued", job.name)
        run.status, run.finished_at, run.message = JobRunStatus.FAILED, now, error_message(error)
        run.save(update_fields=["status", "finished_at", "message"])
        return
    run.task_result_id = str(result.id)
    # The task is queued already: a lock met now (another worker's tick) must not leave the
    # run without its task, so the write waits for it like any other.
    retry_when_busy(
        lambda: run.save(update_fields=["task_result_id"]), what="scheduled run", attempts=6
    )


def tick(now: dt.datetime | None = None) -> list[ScheduledJobRun]:
    """Enqueue every enabled job whose next run is due at `now`, once, however many of its
    slots passed while no worker ticked; its next run becomes the first slot after `now`.
    Jobs without a next run are given one (not run). Returns the runs recorded."""
    now = now or timezone_now()
    with transaction.atomic():
        for job in ScheduledJob.objects.filter(enabled=True, next_run_at__isnull=True):
            ScheduledJob.objects.filter(pk=job.pk, next_run_at__isnull=True).update(
                next_run_at=_slot_after(job, now)
            )
    runs: list[ScheduledJobRun] = []
    with transaction.atomic():
        # On PostgreSQL a second worker skips the rows the first has locked instead of
        # waiting for them; SQLite serialises writers and ignores the lock.
        due = list(
            ScheduledJob.objects.select_for_update(skip_locked=True)
            .filter(enabled=True, next_run_at__lte=now)
            .order_by("next_run_at", "pk")
        )
        for job in due:
            if _claim(job, now):
                runs.append(_record(job, now))
    for run in runs:
        if run.status == JobRunStatus.QUEUED:
            _enqueue(run, now)
    return runs
