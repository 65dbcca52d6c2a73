"""Background tasks of the relationship map (run by `kam worker`)."""

from __future__ import annotations

from django_tasks import task

from kam.relationships.services.scores import scores_sweep


@task()
def relationship_sweep_task() -> int:
    """The nightly sweep of the relationship series (§7): every account with contacts is
    scored as of today and a point appended where a value moved. Returns the points."""
    return scores_sweep()
