"""The engagement app's background tasks, run by the scheduler (kam.ops.scheduler): the
nightly cadence sweep, the nightly survey-drop sweep and the complaints' SLA sweep every
15 minutes (each seeded in a migration)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django_tasks import task

from kam.engagement.activities.sweep import cadence_sweep
from kam.engagement.complaints.sweep import complaint_sla_sweep
from kam.engagement.surveys.alerting import survey_drops_sweep


@task()
def engagement_sweep_task() -> dict[str, Any]:
    """The nightly sweep of §9: overdue visits and uncontacted decision makers."""
    return {"cadence": dataclasses.asdict(cadence_sweep())}


@task()
def survey_drops_sweep_task() -> int:
    """Each night: every account's survey drop alert made to match its surveys (§9; a write
    already does it for its account, this catches what changed behind the services)."""
    return survey_drops_sweep()


@task()
def complaint_sla_sweep_task() -> dict[str, int]:
    """The complaints' SLA sweep (every 15 minutes): breach alerts raised and cleared (§9)."""
    return dataclasses.asdict(complaint_sla_sweep())
