"""The scheduler of periodic jobs: due once after downtime, once for two workers, failures
recorded and scheduled again, slots in the company time zone (docs/rules.md)."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection
from django.utils.timezone import now as timezone_now
from django_tasks_db.models import DBTaskResult
from rq.worker import Worker

from kam.core.workers import worker_heartbeat
from kam.ops.models import ScheduledJob, ScheduledJobRun
from kam.ops.scheduler import next_slot, tick
from kam.ops.scheduler.rq_worker import SchedulingRQWorker
from kam.ops.scheduler.tick import _claim
from kam.ops.scheduler.worker import SchedulingWorker
from kam.portfolio.models import ScoreRun
from tests.ops import tasks
from tests.processes import (
    JOB_TIMEOUT,
    MAKE_NIGHTLY_DUE,
    NIGHTLY_RUNS,
    kam_python,
    nightly_finished,
    running,
    wait_for,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = dt.timedelta(hours=1)


def job(**fields: object) -> ScheduledJob:
    values: dict[str, object] = {
        "name": "sweep",
        "task": "tests.ops.tasks.record_task",
        "interval": HOUR,
        "next_run_at": timezone_now() - 5 * HOUR - dt.timedelta(minutes=45),
    }
    values.update(fields)
    scheduled = ScheduledJob(**values)
    scheduled.full_clean()
    scheduled.save()
    return scheduled


def test_interval_slots_keep_their_phase_and_land_after_now() -> None:
    due = dt.datetime(2026, 12, 1, 1, 15, tzinfo=dt.UTC)
    now = dt.datetime(2026, 12, 1, 6, 40, tzinfo=dt.UTC)
    assert next_slot(after=now, interval=HOUR, previous=due) == now.replace(hour=7, minute=15)
    assert next_slot(after=due, interval=HOUR, previous=due) == due + HOUR


def test_daily_slots_are_read_in_the_company_time_zone() -> None:
    # 02:00 in Shanghai is 18:00 UTC the day before.
    after = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    slot = next_slot(after=after, daily_at=dt.time(2, 0), zone=SHANGHAI)
    assert slot == dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
    assert next_slot(after=slot, daily_at=dt.time(2, 0), zone=SHANGHAI) == slot + 24 * HOUR
    with pytest.raises(ValueError, match="exactly one"):
        next_slot(after=after)


@pytest.mark.django_db
def test_a_job_due_while_the_worker_was_down_runs_once() -> None:
    sweep = job()
    now = timezone_now()

    runs = tick(now)

    assert len(runs) == 1 and DBTaskResult.objects.count() == 1
    sweep.refresh_from_db()
    # Six slots passed; the next is the first after now, on the job's own phase (:15 past).
    assert now < sweep.next_run_at <= now + HOUR
    assert (sweep.next_run_at - runs[0].due_at) % HOUR == dt.timedelta(0)
    assert sweep.last_run_at == now
    assert tick(now) == [] and tick(now + dt.timedelta(minutes=1)) == []
    assert len(tick(sweep.next_run_at)) == 1


@pytest.mark.django_db
def test_a_daily_job_missed_for_days_runs_once() -> None:
    nightly = job(interval=None, daily_at=dt.time(2, 0), next_run_at=timezone_now() - 72 * HOUR)
    assert len(tick()) == 1
    nightly.refresh_from_db()
    assert timezone_now() < nightly.next_run_at <= timezone_now() + 24 * HOUR
    assert tick() == []


@pytest.mark.django_db
def test_a_worker_that_read_the_job_before_another_claimed_it_does_not_run_it() -> None:
    sweep = job()
    now = timezone_now()
    seen_by_second = ScheduledJob.objects.get(pk=sweep.pk)
    assert _claim(ScheduledJob.objects.get(pk=sweep.pk), now)
    assert not _claim(seen_by_second, now)


@pytest.mark.django_db
def test_disabled_and_new_jobs_are_not_run() -> None:
    job(enabled=False)
    fresh = job(name="fresh", next_run_at=None)
    assert tick() == []
    fresh.refresh_from_db()
    assert fresh.next_run_at > timezone_now()


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_run_the_job_once() -> None:
    job()
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            # A tick that finds the database locked gives up until the next one.
            SchedulingWorker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=threading.current_thread().name,
                excluded_queue_names=[],
            ).tick()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, name=f"w{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert ScheduledJobRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_redis_workers_ticking_at_once_queue_the_job_once(rq_queue: Any) -> None:
    job()
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            SchedulingRQWorker([rq_queue], connection=rq_queue.connection).tick()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, name=f"w{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [run] = ScheduledJobRun.objects.all()
    assert run.status == "queued"
    # The one task went to Redis, not the database queue, and it carries the run.
    assert DBTaskResult.objects.count() == 0
    [queued] = rq_queue.get_jobs()
    assert queued.id == run.task_result_id
    assert queued.func_name == "kam.ops.tasks.scheduled_run_task"
    assert queued.kwargs["run_id"] == run.pk


@pytest.mark.django_db
def test_the_database_refuses_a_second_run_of_one_slot() -> None:
    sweep = job()
    [run] = tick()

    with pytest.raises(IntegrityError):
        ScheduledJobRun.objects.create(job=sweep, due_at=run.due_at, started_at=timezone_now())


@pytest.mark.django_db(transaction=True)  # the worker runs its tasks on its own connection
def test_the_worker_runs_due_jobs_and_records_each_run() -> None:
    tasks.CALLS.clear()
    job(arguments={"label": "swept"})

    call_command("worker", "--batch")

    assert tasks.CALLS == ["swept"]
    run = ScheduledJobRun.objects.get()
    assert run.status == "succeeded" and run.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_records_the_failure_and_is_scheduled_again() -> None:
    broken = job(task="tests.ops.tasks.failing_task")

    call_command("worker", "--batch")

    run = ScheduledJobRun.objects.get()
    assert run.status == "failed" and run.message == "RuntimeError: the sweep broke"
    broken.refresh_from_db()
    assert broken.enabled and broken.next_run_at > timezone_now()
    # At its next slot it runs again.
    assert len(tick(broken.next_run_at)) == 1


@pytest.mark.django_db
def test_a_job_whose_task_is_gone_records_a_failed_run() -> None:
    gone = job()
    ScheduledJob.objects.filter(pk=gone.pk).update(task="tests.ops.tasks.no_such_task")

    [run] = tick()

    assert run.status == "failed" and "no_such_task" in run.message
    gone.refresh_from_db()
    assert gone.next_run_at > timezone_now()


@pytest.mark.django_db
def test_the_nightly_rescore_is_seeded_and_queues_todays_scoring() -> None:
    nightly = ScheduledJob.objects.get(name="nightly re-score")
    nightly.full_clean()
    assert nightly.daily_at == dt.time(2, 0) and nightly.enabled
    assert nightly.next_run_at > timezone_now()

    from kam.ops.tasks import nightly_rescore_task

    run_id = nightly_rescore_task.call()

    run = ScoreRun.objects.get(pk=run_id)
    assert run.created_by is None and run.status == "queued" and not run.history


@pytest.mark.django_db
def test_the_relationship_sweep_is_seeded_each_night_after_the_rescore() -> None:
    sweep = ScheduledJob.objects.get(name="relationship sweep")
    sweep.full_clean()
    assert sweep.task == "kam.relationships.tasks.relationship_sweep_task"
    assert sweep.daily_at == dt.time(2, 30) and sweep.enabled
    assert sweep.next_run_at > timezone_now()


@pytest.mark.slow
def test_two_worker_processes_on_the_database_queue_run_a_due_job_once(
    tmp_path: Path, scratch_database: dict[str, str]
) -> None:
    # Given two real workers ticking every second on the database queue.
    with (
        running(scratch_database, "worker", log=tmp_path / "worker-1.log"),
        running(scratch_database, "worker", log=tmp_path / "worker-2.log"),
    ):
        # When the nightly re-score falls due while both run.
        assert kam_python(scratch_database, MAKE_NIGHTLY_DUE) == "1"
        runs = wait_for(
            lambda: nightly_finished(scratch_database), timeout=JOB_TIMEOUT, what="the run"
        )
        # Both tick again after it ran; the next slot is tomorrow.
        time.sleep(2)
        again = kam_python(scratch_database, NIGHTLY_RUNS)

    # Then it ran once.
    assert runs == again == "['succeeded']"


@pytest.mark.django_db(transaction=True)
def test_a_redis_worker_forks_its_job_process_while_the_heartbeat_is_quiet(
    rq_queue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Redis worker beating, whose fork is watched
    worker = SchedulingRQWorker([rq_queue], connection=rq_queue.connection)
    held: list[bool] = []

    def fork(self: Any, job: Any, queue: Any) -> None:
        held.append(beat._writing.locked())

    monkeypatch.setattr(Worker, "fork_work_horse", fork)
    with worker_heartbeat(kind="rq", worker_id="rq-fork", every=60) as beat:
        worker.kam_heartbeat = beat
        # When it forks the process for a job
        worker.fork_work_horse(None, rq_queue)  # type: ignore[arg-type]
        # Then no beat could be inside the database driver at that moment
        assert held == [True]
        assert not beat._writing.locked()


# A retry closes the connection that met the lock: outside a test transaction, as in a worker.
@pytest.mark.django_db(transaction=True)
def test_a_run_keeps_its_queued_task_when_the_database_is_locked_a_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a due job, and a database locked once by another worker as the run's task is noted
    job()
    save = ScheduledJobRun.save
    locked: list[bool] = []

    def save_once_locked(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") == ["task_result_id"] and not locked:
            locked.append(True)
            raise OperationalError("database table is locked")
        save(self, *args, **kwargs)

    monkeypatch.setattr(ScheduledJobRun, "save", save_once_locked)
    monkeypatch.setattr("kam.core.workers.time.sleep", lambda seconds: None)

    # When the tick queues it
    [run] = tick()

    # Then the run names its task all the same
    assert locked == [True]
    run.refresh_from_db()
    assert run.task_result_id == str(DBTaskResult.objects.get().id)
