"""The engagement app's background tasks, run by the scheduler (kam.ops.scheduler; the
periodic ones are seeded in the ops migrations)."""

from __future__ import annotations

import dataclasses

from django_tasks import task

from kam.engagement.complaints.sweep import complaint_sla_sweep
from kam.engagement.surveys.alerting import survey_drops_sweep


@task()
def survey_drops_sweep_task() -> int:
    """Each night: every account's survey drop alert made to match its surveys (§9; a write
    already does it for its account, this catches what changed behind the services)."""
    return survey_drops_sweep()


@task()
def complaint_sla_sweep_task() -> dict[str, int]:
    """The complaints' SLA sweep (every 15 minutes): breach alerts raised and cleared (§9)."""
    return dataclasses.asdict(complaint_sla_sweep())
