"""Queueing a job after commit, on either queue; a queue that is down fails the job visibly."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from kam.core.jobs import enqueue_on_commit
from kam.portfolio.models import ScoreRun
from kam.portfolio.services.scoring import score_run_create
from tests.ops.tasks import record_task

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_job_goes_to_the_redis_queue_once_the_transaction_commits(rq_queue: Any) -> None:
    failures: list[str] = []
    with transaction.atomic():
        enqueue_on_commit(record_task, failed=failures.append, label="after")
        waiting_inside = rq_queue.count

    [queued] = rq_queue.get_jobs()
    assert waiting_inside == 0
    assert (queued.func_name, queued.kwargs, failures) == (
        "tests.ops.tasks.record_task",
        {"label": "after"},
        [],
    )


@pytest.mark.usefixtures("unreachable_queue")
def test_a_queue_that_is_down_calls_failed_with_the_reason() -> None:
    failures: list[str] = []
    with transaction.atomic():
        enqueue_on_commit(record_task, failed=failures.append, label="lost")

    [message] = failures
    assert message.startswith("The job queue could not be reached: ")


@pytest.mark.usefixtures("unreachable_queue")
def test_a_scoring_run_queued_while_redis_is_down_is_failed_not_left_waiting(director) -> None:
    run = score_run_create(actor=director, reason="api")

    run = ScoreRun.objects.get(pk=run.pk)
    assert run.status == "failed" and run.finished_at is not None
    assert run.message.startswith("The job queue could not be reached")
