"""Background tasks that span apps, run on a schedule (kam.ops.scheduler)."""

from __future__ import annotations

from django_tasks import task

from kam.portfolio.services.scoring import score_run_create


@task()
def nightly_rescore_task() -> str:
    """The nightly re-score: a scoring run as of today, queued like any automatic one."""
    return str(score_run_create(actor=None, reason="nightly re-score").pk)
