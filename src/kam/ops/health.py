"""The checks of `/healthz` that only ops can see across apps: the oldest queued job (imports
and score runs) and the scheduler of periodic jobs (registered in kam.core.health)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.db.models.functions import Coalesce

from kam.core.health import DOWN, OK, age_seconds, health_check_register
from kam.ledger.models import ImportJob, JobStatus
from kam.ops.models import ScheduledJob
from kam.portfolio.models import ScoreRun, ScoreRunStatus


def _oldest(rows: Any) -> dt.datetime | None:
    oldest: dt.datetime | None = (
        rows.annotate(since=Coalesce("queued_at", "created_at"))
        .order_by("since")
        .values_list("since", flat=True)
        .first()
    )
    return oldest


def queue_check(now: dt.datetime) -> dict[str, Any]:
    """Down when the oldest queued job has waited past KAM_HEALTH_QUEUE_WAIT_SECONDS."""
    oldest = min(
        (
            since
            for since in (
                _oldest(ImportJob.objects.filter(status=JobStatus.QUEUED)),
                _oldest(ScoreRun.objects.filter(status=ScoreRunStatus.QUEUED)),
            )
            if since is not None
        ),
        default=None,
    )
    age = age_seconds(oldest, now)
    limit = settings.KAM_HEALTH_QUEUE_WAIT_SECONDS
    return {
        "status": DOWN if age is not None and age > limit else OK,
        "oldest_queued_at": oldest,
        "oldest_queued_age_seconds": age,
        "limit_seconds": limit,
    }


def scheduler_check(now: dt.datetime) -> dict[str, Any]:
    """Down when an enabled periodic job is KAM_HEALTH_SCHEDULE_LATE_SECONDS past due."""
    limit = settings.KAM_HEALTH_SCHEDULE_LATE_SECONDS
    late = list(
        ScheduledJob.objects.filter(
            enabled=True, next_run_at__lt=now - dt.timedelta(seconds=limit)
        ).values_list("name", flat=True)
    )
    last = ScheduledJob.objects.aggregate(last=Max("last_run_at"))["last"]
    return {
        "status": DOWN if late else OK,
        "last_run_at": last,
        "last_run_age_seconds": age_seconds(last, now),
        "overdue": late,
        "limit_seconds": limit,
    }


def register() -> None:
    health_check_register("queue", queue_check)
    health_check_register("scheduler", scheduler_check)
