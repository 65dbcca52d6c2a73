"""Upkeep of import jobs: the jobs of workers that stopped beating are failed, a queued job
tells how long it has waited with no worker, and uploads no job needs are deleted
(docs/rules.md, "Workers"). The sweep of kam.ops calls these; the ledger reads liveness from
kam.core.workers and never imports ops."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid
from collections.abc import Collection
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, QuerySet
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from kam.core.workers import JobWait, job_wait, live_worker_ids
from kam.ledger.jobs import KEPT_UPLOAD_STATUSES, PROGRESS_KEY
from kam.ledger.models import FINISHED_JOB_STATUSES, IMPORT_JOB_STATUS, ImportJob, JobStatus

ERROR_WORKER_STOPPED = _(
    "The background worker stopped while this import ran; nothing was imported. Retry it."
)
# A directory of KAM_UPLOAD_DIR younger than this may be an upload still being written.
UPLOAD_GRACE_SECONDS = 3600


def import_jobs_fail_stopped(*, idle: frozenset[str] = frozenset()) -> int:
    """Fail the running import jobs whose worker stopped beating (kam.core.workers), or whose
    worker says it is `idle` (its job's process died under it), each with a message in its
    starter's language saying so; they can be retried. Returns how many."""
    running = ImportJob.objects.filter(status=JobStatus.RUNNING).exclude(worker_id="")
    live = live_worker_ids() - idle
    stopped = list(running.exclude(worker_id__in=live).only("pk", "options"))
    for job in stopped:
        with override(job.options.get("language") or settings.LANGUAGE_CODE):
            message = str(ERROR_WORKER_STOPPED)
        IMPORT_JOB_STATUS.move(
            ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING),
            JobStatus.FAILED,
            finished_at=timezone_now(),
            result={"message": message, "error_count": 0},
        )
        cache.delete(PROGRESS_KEY.format(job_id=job.pk))
    return len(stopped)


def import_job_wait(job: ImportJob, *, live: Collection[str] | None = None) -> JobWait:
    """A queued job's wait: whether a worker is live to take it, and for how long (`live`:
    the live workers, looked up once for a list). Kept on the loaded job, so that the fields
    an answer shows of it cost one look, not one each."""
    wait: JobWait | None = job.__dict__.get("_wait")
    if wait is None:
        wait = job_wait(
            queued=job.status == JobStatus.QUEUED,
            since=job.queued_at or job.created_at,
            live=live,
        )
        job.__dict__["_wait"] = wait
    return wait


def import_jobs_oldest_waiting(jobs: QuerySet[ImportJob]) -> ImportJob | None:
    """The oldest queued job among `jobs` when no worker is live to take it (None: nothing
    queued, or a worker is there)."""
    queued = jobs.filter(status=JobStatus.QUEUED)
    oldest = queued.order_by(F("queued_at").asc(nulls_first=True), "created_at").first()
    if oldest is None:
        return None
    return oldest if import_job_wait(oldest).waiting_for_worker else None


def import_uploads_prune(now: dt.datetime | None = None) -> int:
    """Delete the upload directories no job needs: those of jobs that ended well (left by a
    worker that died before deleting them), of rejected or failed jobs past
    KAM_FAILED_UPLOAD_RETENTION_DAYS, and of jobs that no longer exist. A file uploaded and
    never started is deleted with its job once as old (it waited for a check that never came;
    never within the hour). Returns how many directories."""
    root = Path(settings.KAM_UPLOAD_DIR)
    if not root.is_dir():
        return 0
    now = now or timezone_now()
    kept_since = now - dt.timedelta(days=settings.KAM_FAILED_UPLOAD_RETENTION_DAYS)
    never_started_since = min(kept_since, now - dt.timedelta(seconds=UPLOAD_GRACE_SECONDS))
    ImportJob.objects.filter(status=JobStatus.UPLOADED, created_at__lt=never_started_since).delete()
    directories = {entry.name: entry for entry in root.iterdir() if entry.is_dir()}
    jobs = {
        str(pk): (status, finished_at)
        for pk, status, finished_at in ImportJob.objects.filter(
            pk__in=[name for name in directories if _is_uuid(name)]
        ).values_list("pk", "status", "finished_at")
    }
    pruned = 0
    for name, directory in directories.items():
        status, finished_at = jobs.get(name, (None, None))
        if status is None:
            # An upload is written before its job row commits: leave young ones alone.
            gone = time.time() - directory.stat().st_mtime > UPLOAD_GRACE_SECONDS
        elif status not in FINISHED_JOB_STATUSES:
            gone = False
        elif status in KEPT_UPLOAD_STATUSES:
            gone = finished_at is not None and finished_at < kept_since
        else:
            gone = True
        if gone:
            shutil.rmtree(directory, ignore_errors=True)
            pruned += 1
    return pruned


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True
