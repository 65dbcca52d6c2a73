"""Seeding a scheduled job from a data migration (the registration of a new periodic job)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.timezone import now as timezone_now

from kam.ops.scheduler.schedule import next_slot


def job_seed(
    apps: Any,
    *,
    name: str,
    task: str,
    interval: dt.timedelta | None = None,
    daily_at: dt.time | None = None,
    arguments: dict[str, Any] | None = None,
) -> None:
    """Create the job in a data migration unless a job of that name exists (an admin's
    changes to its schedule are kept). Its first run is the first slot after now."""
    job_model = apps.get_model("ops", "ScheduledJob")
    job_model.objects.get_or_create(
        name=name,
        defaults={
            "task": task,
            "interval": interval,
            "daily_at": daily_at,
            "arguments": arguments or {},
            "next_run_at": next_slot(after=timezone_now(), interval=interval, daily_at=daily_at),
        },
    )
