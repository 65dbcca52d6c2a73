"""The engagement app's background tasks, run by the scheduler (kam.ops.scheduler)."""

from __future__ import annotations

from django_tasks import task

from kam.engagement.surveys.alerting import survey_drops_sweep


@task()
def survey_drops_sweep_task() -> int:
    """Each night: every account's survey drop alert made to match its surveys (§9; a write
    already does it for its account, this catches what changed behind the services)."""
    return survey_drops_sweep()
