"""Background tasks the scheduler tests run (importable by path, as a job's task is)."""

from __future__ import annotations

from django_tasks import task

CALLS: list[str] = []


@task()
def record_task(label: str = "ran") -> str:
    CALLS.append(label)
    return label


@task()
def failing_task() -> None:
    raise RuntimeError("the sweep broke")
