"""Import jobs and their workers: a job whose worker stopped beating is failed and can be
retried; a job queued with no worker says so; uploads are deleted when no longer needed."""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now as timezone_now

from kam.core.errors import Conflict
from kam.core.models import WorkerHeartbeat
from kam.core.workers import worker_heartbeat
from kam.ledger.jobs import import_job_create, import_job_retry, job_directory, job_error_report
from kam.ledger.models import ImportJob, JobStatus, LedgerLine
from kam.ledger.upkeep import ERROR_WORKER_STOPPED, import_jobs_fail_stopped, import_uploads_prune
from tests.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSV = "customer,date,amount\nC1,2026-10-03,100\n"
DEAD_PID = 2**22 + 1  # above Linux's pid_max: no process has it


def upload(actor, text: str = CSV) -> ImportJob:
    data = text.encode()
    return import_job_create(
        actor=actor, file_name="export.csv", content=io.BytesIO(data), size=len(data)
    )


def upload_unstarted(actor) -> ImportJob:
    """A file uploaded for its check (preview and options), not started yet."""
    data = CSV.encode()
    return import_job_create(
        actor=actor, file_name="export.csv", content=io.BytesIO(data), size=len(data), start=False
    )


def left_running_by_a_dead_worker(job: ImportJob, *, silent_for: int = 120) -> None:
    """The job as a worker killed mid-import leaves it: running, its beats stopped."""
    beat_at = timezone_now() - dt.timedelta(seconds=silent_for)
    WorkerHeartbeat.objects.create(
        worker_id="dead", host="gone", pid=DEAD_PID, started_at=beat_at, beat_at=beat_at
    )
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker_id="dead")


def test_a_job_of_a_worker_that_stopped_beating_fails_and_is_retried(manager) -> None:
    AccountFactory(owner=manager, code="C1")
    job = upload(manager)
    left_running_by_a_dead_worker(job)

    assert import_jobs_fail_stopped() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.result["message"] == str(ERROR_WORKER_STOPPED)
    page = Client()
    page.force_login(manager)
    detail = page.get(reverse("import_detail", args=[job.pk]))
    assert "The background worker stopped while this import ran" in detail.text
    assert reverse("import_retry", args=[job.pk]) in detail.text

    page.post(reverse("import_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.result == {} and job.finished_at is None
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTED
    assert LedgerLine.objects.count() == 1


def test_a_job_whose_worker_still_beats_is_left_running(manager) -> None:
    job = upload(manager)
    left_running_by_a_dead_worker(job, silent_for=2)
    assert import_jobs_fail_stopped() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_the_api_retries_only_a_failed_import(manager) -> None:
    job = upload(manager)
    client = api_client_for(manager)

    refused = client.post(f"/api/v1/imports/{job.pk}/retry")
    left_running_by_a_dead_worker(job)
    import_jobs_fail_stopped()
    retried = client.post(f"/api/v1/imports/{job.pk}/retry")

    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "status"
    assert retried.status_code == 202
    assert retried.json()["status"] == "queued"


def test_a_failed_job_whose_upload_was_pruned_cannot_be_retried(manager) -> None:
    job = upload(manager)
    left_running_by_a_dead_worker(job)
    import_jobs_fail_stopped()
    (job_directory(job) / job.stored_name).unlink()
    with pytest.raises(Conflict, match="no longer kept"):
        import_job_retry(actor=manager, job=job)


def test_a_job_queued_with_no_worker_says_how_long_it_waited(manager) -> None:
    job = upload(manager)
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone_now() - dt.timedelta(minutes=12))
    client = api_client_for(manager)
    page = Client()
    page.force_login(manager)

    waiting = client.get(f"/api/v1/imports/{job.pk}").json()
    detail = page.get(reverse("import_detail", args=[job.pk])).text
    listed = page.get(reverse("import_list")).text
    with worker_heartbeat(every=3600):
        served = client.get(f"/api/v1/imports/{job.pk}").json()
        calm = page.get(reverse("import_list")).text

    assert waiting["waiting_for_worker"] is True
    assert 720 <= waiting["queued_seconds"] < 780
    assert "No worker is running; this job has waited 12\xa0minutes." in detail
    assert "<code>kam worker</code>" in detail
    assert "the oldest queued import has waited 12\xa0minutes" in listed
    assert served["waiting_for_worker"] is False
    assert 'id="no-worker"' not in calm


def test_a_finished_job_deletes_its_upload_and_a_rejected_one_keeps_it(manager) -> None:
    AccountFactory(owner=manager, code="C1")
    imported = upload(manager)
    rejected = upload(manager, "customer,date,amount\nC1,2026-10-03,abc\n")

    call_command("worker", "--batch")

    assert not job_directory(imported).exists()
    assert job_error_report(rejected).exists()
    client = api_client_for(manager)
    assert client.get(f"/api/v1/imports/{rejected.pk}/errors").status_code == 200


def test_the_sweep_prunes_uploads_past_their_keeping_time(manager, settings) -> None:
    settings.KAM_FAILED_UPLOAD_RETENTION_DAYS = 7
    recent = upload(manager, "customer,date,amount\nC1,2026-10-03,abc\n")
    old = upload(manager, "customer,date,amount\nC2,2026-10-03,abc\n")
    call_command("worker", "--batch")
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone_now() - dt.timedelta(days=8))
    orphan = job_directory(recent).parent / "d6f2a3c4-0000-4000-8000-000000000000"
    orphan.mkdir()
    hour_ago = time.time() - 2 * 3600
    os.utime(orphan, (hour_ago, hour_ago))

    assert import_uploads_prune() == 2

    assert job_error_report(recent).exists()
    assert not job_directory(old).exists()
    assert not orphan.exists()
    client = api_client_for(manager)
    assert client.get(f"/api/v1/imports/{old.pk}/errors").status_code == 404


def test_the_sweep_deletes_an_upload_never_started_once_past_its_keeping_time(
    manager, settings
) -> None:
    # Given two files uploaded and never started (waiting for their check): one uploaded
    # longer ago than failed uploads are kept, one recent
    settings.KAM_FAILED_UPLOAD_RETENTION_DAYS = 7
    old, recent = upload_unstarted(manager), upload_unstarted(manager)
    long_ago = timezone_now() - dt.timedelta(days=8)
    ImportJob.objects.filter(pk=old.pk).update(created_at=long_ago)
    os.utime(job_directory(old), (long_ago.timestamp(), long_ago.timestamp()))

    # When the sweep prunes uploads
    assert import_uploads_prune() == 1

    # Then the old one is gone, job and file; the recent one can still be checked and started
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert not job_directory(old).exists()
    assert ImportJob.objects.get(pk=recent.pk).status == JobStatus.UPLOADED
    assert job_directory(recent).exists()


def test_with_no_keeping_time_an_upload_waiting_for_its_check_still_gets_the_hour(
    manager, settings
) -> None:
    # Given failed uploads kept no time at all, and a file uploaded a few minutes ago
    settings.KAM_FAILED_UPLOAD_RETENTION_DAYS = 0
    waiting = upload_unstarted(manager)
    ImportJob.objects.filter(pk=waiting.pk).update(
        created_at=timezone_now() - dt.timedelta(minutes=5)
    )

    # When the sweep prunes uploads, Then the file waiting for its check is left alone
    assert import_uploads_prune() == 0
    assert job_directory(waiting).exists()
