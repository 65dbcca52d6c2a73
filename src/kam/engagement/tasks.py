"""The engagement app's background tasks (periodic ones are seeded in its migrations)."""

from __future__ import annotations

import dataclasses

from django_tasks import task

from kam.engagement.complaints.sweep import complaint_sla_sweep


@task()
def complaint_sla_sweep_task() -> dict[str, int]:
    """The complaints' SLA sweep (every 15 minutes): breach alerts raised and cleared (§9)."""
    return dataclasses.asdict(complaint_sla_sweep())
