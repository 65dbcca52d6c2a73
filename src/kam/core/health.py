"""What `/healthz` reports: a registry of checks, each answering "ok" or "down" with its
figures. kam.core registers the database and the workers; an app registers what only it can
see (kam.ops: the queue of jobs and the scheduler) from its AppConfig.ready, so the health
page (kam.web) imports no app above it.

Thresholds (README "Configuration"): a worker is down past KAM_WORKER_STALE_SECONDS without
a beat; the queue past KAM_HEALTH_QUEUE_WAIT_SECONDS for its oldest job; the scheduler when a
periodic job is KAM_HEALTH_SCHEDULE_LATE_SECONDS past due.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils.timezone import now as timezone_now

from kam.core.workers import live_worker_ids, worker_last_beat

logger = logging.getLogger(__name__)

OK, DOWN = "ok", "down"
Check = Callable[[dt.datetime], dict[str, Any]]

_checks: dict[str, Check] = {}


def health_check_register(name: str, check: Check) -> None:
    """Register (or replace) the check `name`: a function of the time that returns its
    figures with "status" set to OK or DOWN."""
    _checks[name] = check


def age_seconds(since: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if since is None else max(0, int((now - since).total_seconds()))


def health_report(now: dt.datetime | None = None) -> tuple[bool, dict[str, Any]]:
    """Run every check; (whether all are ok, the report). A check that raises is down and
    names the error's kind only (the page is public)."""
    now = now or timezone_now()
    results: dict[str, dict[str, Any]] = {}
    for name, check in _checks.items():
        try:
            results[name] = check(now)
        except Exception as error:
            logger.warning("health check %s failed: %s", name, error)
            results[name] = {"status": DOWN, "error": type(error).__name__}
    healthy = all(result["status"] == OK for result in results.values())
    return healthy, {"status": OK if healthy else DOWN, "checks": results}


def _database(now: dt.datetime) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": OK, "vendor": connection.vendor}


def _worker(now: dt.datetime) -> dict[str, Any]:
    # The schedule (the nightly re-score at least) always needs a worker: none live is down.
    live = len(live_worker_ids(now))
    last = worker_last_beat()
    return {
        "status": OK if live else DOWN,
        "live": live,
        "last_beat_at": last,
        "last_beat_age_seconds": age_seconds(last, now),
    }


health_check_register("database", _database)
health_check_register("worker", _worker)
