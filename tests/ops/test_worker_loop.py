"""The worker loop rides out a busy database (kam.ops.scheduler.worker): a round that meets
"database is locked" waits and starts over instead of ending the worker."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django_tasks_db.management.commands.db_worker import Worker

from kam.ops.scheduler import worker as loop
from kam.ops.scheduler.worker import SchedulingWorker


def scheduling_worker() -> SchedulingWorker:
    return SchedulingWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="loop-test",
        excluded_queue_names=[],
    )


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_is_waited_out_and_other_errors_are_not(monkeypatch) -> None:
    rounds: list[str] = []
    sleeps: list[float] = []

    def locked_twice(self: Worker) -> None:
        rounds.append("round")
        if len(rounds) <= 2:
            raise OperationalError("database is locked")

    monkeypatch.setattr(Worker, "run", locked_twice)
    monkeypatch.setattr(loop.time, "sleep", sleeps.append)

    scheduling_worker().run_scheduled(batch=True)

    assert len(rounds) == 3
    assert sleeps == [loop.FIRST_BACKOFF, 2 * loop.FIRST_BACKOFF]

    def broken(self: Worker) -> None:
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(Worker, "run", broken)
    with pytest.raises(OperationalError, match="no such table"):
        scheduling_worker().run_scheduled(batch=True)
