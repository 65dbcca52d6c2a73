"""The sweep after stopped workers (kam.ops.workers): their import jobs, score runs and task
results are failed, with a message saying why, and can be retried."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.timezone import now as timezone_now
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kam.core.models import WorkerHeartbeat
from kam.ledger.jobs import import_job_create
from kam.ledger.models import ImportJob, JobStatus
from kam.ops.models import JobRunStatus, ScheduledJob, ScheduledJobRun
from kam.ops.scheduler import tick
from kam.ops.workers import STOPPED_WORKER_MESSAGE, stopped_workers_sweep
from kam.portfolio.models import ScoreRun, ScoreRunStatus
from kam.portfolio.services.scoring import ERROR_WORKER_STOPPED, score_run_create
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_PID = 2**22 + 1  # above Linux's pid_max: no process has it


def dead_worker(worker_id: str = "dead") -> None:
    beat_at = timezone_now() - dt.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, host="gone", pid=DEAD_PID, started_at=beat_at, beat_at=beat_at
    )


def test_the_sweep_fails_everything_a_dead_worker_was_running(manager) -> None:
    dead_worker()
    data = b"customer,date,amount\nC1,2026-10-03,100\n"
    job = import_job_create(
        actor=manager, file_name="x.csv", content=io.BytesIO(data), size=len(data)
    )
    run = score_run_create(actor=None, reason="test")
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker_id="dead")
    ScoreRun.objects.filter(pk=run.pk).update(status=ScoreRunStatus.RUNNING, worker_id="dead")
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, worker_ids=["dead"])

    outcome = stopped_workers_sweep()

    assert (outcome.imports_failed, outcome.score_runs_failed) == (1, 1)
    assert outcome.task_results_failed == DBTaskResult.objects.count() == 2
    run.refresh_from_db()
    assert run.status == ScoreRunStatus.FAILED and run.message == str(ERROR_WORKER_STOPPED)
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.FAILED).exists()
    assert stopped_workers_sweep().imports_failed == 0


def scheduled_run_left_by_a_dead_worker() -> ScheduledJobRun:
    """A periodic job's run, its task left running by a worker that stopped beating."""
    dead_worker()
    ScheduledJob.objects.create(
        name="sweep",
        task="tests.ops.tasks.record_task",
        interval=dt.timedelta(hours=1),
        next_run_at=timezone_now() - dt.timedelta(minutes=1),
    )
    [run] = tick()
    DBTaskResult.objects.filter(pk=run.task_result_id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"]
    )
    ScheduledJobRun.objects.filter(pk=run.pk).update(status=JobRunStatus.RUNNING)
    return run


def test_a_scheduled_run_of_a_dead_worker_is_recorded_failed() -> None:
    run = scheduled_run_left_by_a_dead_worker()

    stopped_workers_sweep()

    run.refresh_from_db()
    assert run.status == JobRunStatus.FAILED
    assert run.message == str(STOPPED_WORKER_MESSAGE)
    # The task result keeps the developers' English traceback
    assert "stopped beating" in DBTaskResult.objects.get(pk=run.task_result_id).traceback


def test_the_scheduled_run_of_a_dead_worker_says_so_in_the_sites_language(settings) -> None:
    # Given a site in Chinese and a scheduled run left running by a dead worker
    settings.LANGUAGE_CODE = "zh-hans"
    run = scheduled_run_left_by_a_dead_worker()

    # When the sweep runs (as the worker does, in the site's language)
    with translation.override(settings.LANGUAGE_CODE):
        stopped_workers_sweep()

    # Then the message the "Scheduled jobs" page shows is Chinese
    run.refresh_from_db()
    assert run.message == "运行此任务的后台进程已停止（被终止或崩溃）。"


def test_a_failed_score_run_is_retried_through_the_api(director) -> None:
    dead_worker()
    run = score_run_create(actor=director, reason="test")
    ScoreRun.objects.filter(pk=run.pk).update(status=ScoreRunStatus.RUNNING, worker_id="dead")
    client = api_client_for(director)
    refused = client.post(f"/api/v1/portfolio/score/{run.pk}/retry")

    stopped_workers_sweep()
    failed = client.get(f"/api/v1/portfolio/score/{run.pk}").json()
    retried = client.post(f"/api/v1/portfolio/score/{run.pk}/retry")
    waiting = client.get(f"/api/v1/portfolio/score/{run.pk}").json()
    call_command("worker", "--batch")
    run.refresh_from_db()

    assert refused.status_code == 409
    assert failed["status"] == "failed"
    assert retried.status_code == 202
    assert waiting["waiting_for_worker"] is True and waiting["queued_seconds"] >= 0
    assert run.status == ScoreRunStatus.DONE


def test_a_worker_starting_fails_the_jobs_of_the_one_that_died(manager) -> None:
    dead_worker()
    run = score_run_create(actor=None, reason="test")
    ScoreRun.objects.filter(pk=run.pk).update(status=ScoreRunStatus.RUNNING, worker_id="dead")
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, worker_ids=["dead"])

    call_command("worker", "--batch")

    run.refresh_from_db()
    assert run.status == ScoreRunStatus.FAILED
