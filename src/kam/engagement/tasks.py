"""The engagement app's scheduled work (kam.ops.scheduler): one nightly sweep, each part
adding its own step."""

from __future__ import annotations

import dataclasses
from typing import Any

from django_tasks import task

from kam.engagement.activities.sweep import cadence_sweep


@task()
def engagement_sweep_task() -> dict[str, Any]:
    """The nightly sweep of §9: overdue visits and uncontacted decision makers."""
    return {"cadence": dataclasses.asdict(cadence_sweep())}
