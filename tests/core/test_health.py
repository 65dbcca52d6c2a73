"""`/healthz` reports the database, the workers, the queue and the scheduler; 503 when one is
down (kam.core.health, README "Health")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now as timezone_now

from kam.core.models import WorkerHeartbeat
from kam.core.workers import worker_heartbeat
from kam.ledger.models import ImportJob, JobStatus
from kam.ops.models import ScheduledJob
from kam.portfolio.services.scoring import score_run_create

pytestmark = pytest.mark.django_db


def health() -> tuple[int, dict]:
    response = Client().get(reverse("health"))
    return response.status_code, response.json()


def test_a_worker_that_stopped_beating_is_down_with_the_age_of_its_last_beat(settings) -> None:
    settings.KAM_WORKER_STALE_SECONDS = 30
    with worker_heartbeat(every=3600) as beat:
        WorkerHeartbeat.objects.filter(worker_id=beat.worker_id).update(
            beat_at=timezone_now() - dt.timedelta(seconds=95), pid=2**22 + 1
        )
        status, report = health()

    assert status == 503
    assert report["checks"]["worker"]["status"] == "down"
    assert report["checks"]["worker"]["live"] == 0
    assert 95 <= report["checks"]["worker"]["last_beat_age_seconds"] < 100


def test_a_job_queued_past_the_limit_is_down(settings, manager) -> None:
    settings.KAM_HEALTH_QUEUE_WAIT_SECONDS = 600
    run = score_run_create(actor=None, reason="test")
    with worker_heartbeat(every=3600):
        assert health()[0] == 200
        type(run).objects.filter(pk=run.pk).update(
            queued_at=timezone_now() - dt.timedelta(minutes=11)
        )
        status, report = health()

    assert status == 503
    assert report["checks"]["queue"]["status"] == "down"
    assert report["checks"]["queue"]["oldest_queued_age_seconds"] >= 660
    assert report["checks"]["worker"]["status"] == "ok"


def test_an_import_queued_long_ago_counts_as_the_oldest_job(settings, manager) -> None:
    settings.KAM_HEALTH_QUEUE_WAIT_SECONDS = 600
    ImportJob.objects.create(
        created_by=manager,
        file_name="x.csv",
        stored_name="upload.csv",
        file_size=1,
        status=JobStatus.QUEUED,
        queued_at=timezone_now() - dt.timedelta(hours=2),
    )
    with worker_heartbeat(every=3600):
        status, report = health()
    assert status == 503
    assert report["checks"]["queue"]["oldest_queued_age_seconds"] >= 7200


def test_an_overdue_periodic_job_puts_the_scheduler_down(settings) -> None:
    settings.KAM_HEALTH_SCHEDULE_LATE_SECONDS = 300
    ScheduledJob.objects.filter(name="nightly re-score").update(
        next_run_at=timezone_now() - dt.timedelta(minutes=6)
    )
    with worker_heartbeat(every=3600):
        status, report = health()
    assert status == 503
    assert report["checks"]["scheduler"]["status"] == "down"
    assert report["checks"]["scheduler"]["overdue"] == ["nightly re-score"]


def test_a_database_that_does_not_answer_is_down(monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("unreachable")

    monkeypatch.setattr(connection, "cursor", refuse)
    status, report = health()
    assert status == 503
    assert report["checks"]["database"] == {"status": "down", "error": "OperationalError"}
