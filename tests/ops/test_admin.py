"""The admin lists the scheduled jobs with their last runs, and every run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils.timezone import now as timezone_now

from kam.ops.models import ScheduledJob, ScheduledJobRun
from kam.org.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_signed_in(make_user) -> Client:
    client = Client()
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_jobs_with_their_last_runs(admin_client_signed_in) -> None:
    sweep = ScheduledJob.objects.create(
        name="cadence sweep", task="tests.ops.tasks.record_task", interval=dt.timedelta(hours=1)
    )
    earlier = timezone_now() - dt.timedelta(hours=2)
    ScheduledJobRun.objects.create(
        job=sweep, due_at=earlier, started_at=earlier, status="succeeded"
    )
    ScheduledJobRun.objects.create(
        job=sweep,
        due_at=timezone_now(),
        started_at=timezone_now(),
        status="failed",
        message="RuntimeError: the sweep broke",
    )

    jobs = admin_client_signed_in.get("/admin/ops/scheduledjob/")
    assert jobs.status_code == 200
    page = jobs.content.decode()
    assert "cadence sweep" in page and "nightly re-score" in page
    assert "Failed" in page  # the last run's status, not the one before

    runs = admin_client_signed_in.get("/admin/ops/scheduledjobrun/")
    assert runs.status_code == 200 and "RuntimeError: the sweep broke" in runs.content.decode()

    detail = admin_client_signed_in.get(f"/admin/ops/scheduledjob/{sweep.pk}/change/")
    assert detail.status_code == 200 and "the sweep broke" in detail.content.decode()


def test_the_admin_refuses_a_job_without_a_task(admin_client_signed_in) -> None:
    answer = admin_client_signed_in.post(
        "/admin/ops/scheduledjob/add/",
        {
            "name": "broken",
            "task": "kam.nowhere.task",
            "arguments": "{}",
            "interval": "01:00:00",
            "enabled": "on",
            "runs-TOTAL_FORMS": "0",
            "runs-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 200 and "No background task has this path." in answer.text
    assert not ScheduledJob.objects.filter(name="broken").exists()
