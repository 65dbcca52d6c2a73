"""Import jobs: an uploaded file imported in the background with visible progress.

A job runs any importer of the kam.importing registry (the ledger's by default), so an app
that registers one gets uploads through the page and the API without touching the ledger."""

from __future__ import annotations

import codecs
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from kam.core.errors import Conflict, DomainError, InvalidInput
from kam.core.jobs import enqueue_on_commit
from kam.core.workers import current_worker_id
from kam.importing.mapping import match_columns, parse_map_options
from kam.importing.reading import FileRejected, count_data_rows, sniff, text_preview
from kam.importing.registry import Importer, ImportRequest, UnknownKind, importer_for
from kam.ledger.models import (
    IMPORT_JOB_STATUS,
    ImportBatch,
    ImportJob,
    ImportKind,
    JobStatus,
)
from kam.ledger.services import write_rows_report
from kam.org.models import User
from kam.org.permissions import require_write

PROGRESS_KEY = "kam:import-progress:{job_id}"
DEFAULT_KIND = ImportKind.LEDGER.value
MAX_LISTED = 1000  # codes and names kept in a job's result; the counts say how many in all
# Jobs that end like these keep their upload a while (KAM_FAILED_UPLOAD_RETENTION_DAYS): the
# error report is read from there. Every other end deletes it at once.
KEPT_UPLOAD_STATUSES = frozenset({JobStatus.REJECTED, JobStatus.FAILED})

ERROR_NOT_FAILED = gettext_lazy("Only a failed import can be retried.")
ERROR_UPLOAD_GONE = gettext_lazy("The uploaded file is no longer kept; upload it again.")


def job_directory(job: ImportJob) -> Path:
    return Path(settings.KAM_UPLOAD_DIR) / str(job.pk)


def job_file(job: ImportJob) -> Path:
    return job_directory(job) / job.stored_name


def job_error_report(job: ImportJob) -> Path:
    return job_directory(job) / "errors.csv"


def job_importer(kind: str) -> Importer:
    """The registered importer of `kind`; InvalidInput naming the kinds there are."""
    try:
        return importer_for(kind)
    except UnknownKind as error:
        raise InvalidInput(str(error), field="kind") from error


def _clean_options(importer: Importer, options: dict[str, Any]) -> dict[str, Any]:
    """The options `importer` takes, checked (others are ignored: a client may send every
    option of the form, whichever kind it uploads)."""
    mapping = options.get("mapping") or {}
    if isinstance(mapping, list):
        try:
            mapping = parse_map_options(mapping)
        except FileRejected as error:
            raise InvalidInput(str(error), field="map") from error
    if not isinstance(mapping, dict) or any(
        not isinstance(k, str) or not isinstance(v, str) for k, v in mapping.items()
    ):
        raise InvalidInput(
            _("The column mapping must pair file columns with fields."), field="mapping"
        )
    unknown = sorted(set(mapping.values()) - set(importer.fields))
    if unknown:
        raise InvalidInput(
            _("Unknown field %(field)s in the column mapping.") % {"field": unknown[0]},
            field="mapping",
        )
    cleaned: dict[str, Any] = {
        "mapping": mapping,
        "date_format": options.get("date_format") or None,
        "dry_run": bool(options.get("dry_run", False)),
    }
    checked = {**options, **_reading_options(options)}
    for option in importer.options:
        value = checked.get(option.name, option.default)
        cleaned[option.name] = bool(value) if option.switch else (value or option.default)
    return cleaned


def _reading_options(options: dict[str, Any]) -> dict[str, Any]:
    """How to read the file (the delimiter and the encoding, when the importer takes them),
    checked."""
    encoding = options.get("encoding") or None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise InvalidInput(
                _("Unknown text encoding %(name)s.") % {"name": encoding}, field="encoding"
            ) from error
    delimiter = options.get("delimiter") or None
    if delimiter and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise InvalidInput(
            _("The delimiter must be one character, such as ; or a tab."), field="delimiter"
        )
    return {"delimiter": delimiter, "encoding": encoding}


@transaction.atomic
def import_job_create(
    *,
    actor: User,
    file_name: str,
    content: IO[bytes],
    size: int,
    options: dict[str, Any] | None = None,
    start: bool = True,
    kind: str = DEFAULT_KIND,
) -> ImportJob:
    """Store an uploaded file of a registered kind (the ledger by default); with `start`,
    queue its import (runs after commit).

    Without `start` the job waits for the user to check the preview and mapping. Raises
    InvalidInput for an unknown kind, a bad option or an unreadable file, PermissionDenied
    when the user may not import this kind.
    """
    require_write(actor)
    importer = job_importer(kind)
    if importer.authorize:
        importer.authorize(actor)
    if size > settings.KAM_MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The file is larger than the upload limit."), field="file")
    if size == 0:
        raise InvalidInput(_("The file is empty."), field="file")
    cleaned = _clean_options(importer, options or {})
    suffix = Path(file_name).suffix.lower()[:10]
    job = ImportJob(
        kind=importer.kind,
        created_by=actor,
        file_name=file_name[:255],
        stored_name=f"upload{suffix}",
        file_size=size,
        options=cleaned,
    )
    directory = job_directory(job)
    directory.mkdir(parents=True, exist_ok=True)
    with job_file(job).open("wb") as target:
        shutil.copyfileobj(content, target, length=1 << 20)
    try:
        source = sniff(job_file(job), **_reading_options(cleaned))
    except FileRejected as error:
        shutil.rmtree(directory, ignore_errors=True)
        raise InvalidInput(str(error), field="file") from error
    job.rows_expected = count_data_rows(job_file(job), source)
    job.save()
    if start:
        _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    from kam.ledger.tasks import import_job_run_task

    # The worker reports in the language of whoever started the import.
    options = {**job.options, "language": get_language() or settings.LANGUAGE_CODE}
    IMPORT_JOB_STATUS.move_instance(
        job,
        JobStatus.QUEUED,
        options=options,
        queued_at=timezone_now(),
        worker_id="",
        result={},
        finished_at=None,
    )
    enqueue_on_commit(
        import_job_run_task,
        job_id=str(job.pk),
        failed=lambda message: import_job_fail(job_id=job.pk, message=message),
    )


@transaction.atomic
def import_job_start(
    *, actor: User, job: ImportJob, options: dict[str, Any] | None = None
) -> ImportJob:
    """Queue an uploaded file's import with the options the user checked."""
    require_write(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.UPLOADED:
        raise Conflict(_("This import has already been started."), field="job")
    if options is not None:
        job.options = _clean_options(job_importer(job.kind), options)
    _queue(job)
    return job


@dataclass(frozen=True)
class Preview:
    header: tuple[str, ...]
    rows: list[list[str | None]]
    matched: dict[str, int]
    missing: list[str]
    encoding: str
    delimiter: str
    format: str


def import_job_preview(job: ImportJob, options: dict[str, Any] | None = None) -> Preview:
    """The file's columns, how they match kam's fields, and its first rows."""
    importer = job_importer(job.kind)
    chosen = _clean_options(importer, options if options is not None else job.options)
    try:
        source = sniff(job_file(job), **_reading_options(chosen))
        rows = text_preview(source, rows=10)
    except FileRejected as error:
        raise InvalidInput(str(error), field="file") from error
    try:
        matched = dict(
            match_columns(source.header, importer.aliases, (), chosen["mapping"]).columns
        )
    except FileRejected as error:
        raise InvalidInput(str(error), field="mapping") from error
    missing = [field for field in importer.required if field not in matched]
    return Preview(
        source.header, rows, matched, missing, source.encoding, source.delimiter, source.format
    )


def import_job_progress(job: ImportJob) -> int:
    """Rows read so far by a running job (kept in the shared cache, not the database, which
    the import's single transaction holds)."""
    if job.is_finished:
        return int(job.result.get("rows_read", 0))
    return int(cache.get(PROGRESS_KEY.format(job_id=job.pk), 0))


def import_job_run(*, job_id: uuid.UUID | str) -> ImportJob:
    """Run a queued import job to its end; the job row records the outcome."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job
    with override(job.options.get("language") or settings.LANGUAGE_CODE):
        return _run(job)


def _run(job: ImportJob) -> ImportJob:
    IMPORT_JOB_STATUS.move(
        ImportJob.objects.filter(pk=job.pk), JobStatus.RUNNING, worker_id=current_worker_id()
    )
    key = PROGRESS_KEY.format(job_id=job.pk)

    def progress(rows: int) -> None:
        cache.set(key, rows, timeout=24 * 3600)

    importer = importer_for(job.kind)
    options = job.options
    try:
        result = importer.load(
            ImportRequest(
                actor=job.created_by,
                path=job_file(job),
                file_name=job.file_name,
                mapping=options.get("mapping") or None,
                date_format=options.get("date_format"),
                dry_run=options.get("dry_run", False),
                progress=progress,
                options={option.name: options.get(option.name) for option in importer.options},
            )
        )
    except (FileRejected, DomainError) as error:
        job.status, job.result = JobStatus.REJECTED, {"message": str(error), "error_count": 0}
    else:
        job.status = JobStatus(result.status)
        job.result = _job_result(importer, result)
        if result.status == "rejected":
            write_rows_report(result.errors, job_error_report(job))
        batch_id = getattr(result, "batch_id", None)
        if batch_id and result.status in {"imported", "duplicate"}:
            job.batch = ImportBatch.objects.filter(pk=batch_id).first()
    job.finished_at = timezone_now()
    IMPORT_JOB_STATUS.move(
        ImportJob.objects.filter(pk=job.pk),
        job.status,
        result=job.result,
        batch=job.batch,
        finished_at=job.finished_at,
    )
    cache.delete(key)
    if job.status not in KEPT_UPLOAD_STATUSES:
        shutil.rmtree(job_directory(job), ignore_errors=True)
    return job


def _job_result(importer: Importer, result: Any) -> dict[str, Any]:
    """What a finished job shows: the summary, the importer's own figures (lists cut to
    MAX_LISTED, with their full count), and the first bad rows."""
    figures: dict[str, Any] = {"message": getattr(result, "message", "") or ""}
    if not figures["message"] and result.status != "rejected":
        figures["message"] = importer.summary(result)[0]
    for name, value in vars(result).items():
        if name in {"status", "errors", "file_name", "batch_id", "message"}:
            continue
        if isinstance(value, list):
            figures[name], figures[f"{name}_count"] = value[:MAX_LISTED], len(value)
        else:
            figures[name] = value
    figures["error_count"] = result.error_count
    figures["errors"] = [vars(error) for error in result.errors[:50]]
    return figures


def import_job_fail(*, job_id: uuid.UUID | str, message: str) -> None:
    """Record an unexpected failure so the page stops waiting."""
    IMPORT_JOB_STATUS.move(
        ImportJob.objects.filter(pk=job_id),
        JobStatus.FAILED,
        finished_at=timezone_now(),
        result={"message": message, "error_count": 0},
    )


@transaction.atomic
def import_job_retry(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue a failed import again with the options it had (its worker stopped, or it broke;
    an import is all-or-nothing, so the failed one left nothing behind). Raises Conflict
    unless the job failed and its upload is still kept, PermissionDenied when the user may
    not import this kind."""
    require_write(actor)
    importer = job_importer(job.kind)
    if importer.authorize:
        importer.authorize(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.FAILED:
        raise Conflict(str(ERROR_NOT_FAILED), field="status")
    if not job_file(job).exists():
        raise Conflict(str(ERROR_UPLOAD_GONE), field="file")
    _queue(job)
    return job
