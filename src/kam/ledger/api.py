"""API: ledger uploads as background jobs, batches and undo, an account's sales."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.dates import today
from kam.core.money import cents_text
from kam.core.schemas import ERROR_CODES, ErrorOut, IsoDate, Page, PathId
from kam.ledger.jobs import DEFAULT_KIND, import_job_create, import_job_retry, job_error_report
from kam.ledger.models import ImportBatch, ImportJob, LedgerLine
from kam.ledger.schemas import (
    BatchOut,
    ImportJobOut,
    ImportOptionsIn,
    LedgerLineOut,
    SalesOut,
)
from kam.ledger.selectors import (
    account_ledger_lines,
    account_sales,
    batch_get,
    batches_visible_to,
    import_job_get,
    import_jobs_visible_to,
)
from kam.ledger.services import batch_undo
from kam.org.selectors import base_currency

router = Router(tags=["ledger"])


@router.post("/imports", response={202: ImportJobOut, ERROR_CODES: ErrorOut})
def create_import(
    request: Any, file: File[UploadedFile], options: Form[ImportOptionsIn]
) -> Status[ImportJob]:
    """Upload a file (CSV, XLSX, Parquet); it is imported in the background.

    `kind` names a registered importer (`ledger`, the default; `accounts`, `costs`,
    `contacts` …); `map` pairs the file's columns with its fields (`Kunde=account_code`,
    repeatable).
    """
    job = import_job_create(
        actor=request.user,
        file_name=file.name or "upload",
        content=file,
        size=file.size or 0,
        options={**options.dict(exclude={"map", "kind"}), "mapping": options.map},
        kind=options.kind or DEFAULT_KIND,
    )
    return Status(202, job)


@router.get("/imports", response={200: list[ImportJobOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_imports(request: Any) -> QuerySet[ImportJob]:
    return import_jobs_visible_to(request.user)


@router.get("/imports/{job_id}", response={200: ImportJobOut, ERROR_CODES: ErrorOut})
def get_import(request: Any, job_id: uuid.UUID) -> ImportJob:
    return import_job_get(actor=request.user, job_id=job_id)


@router.post("/imports/{job_id}/retry", response={202: ImportJobOut, ERROR_CODES: ErrorOut})
def retry_import(request: Any, job_id: uuid.UUID) -> Status[ImportJob]:
    """Queue a failed import again (409 unless it failed and its upload is still kept)."""
    job = import_job_retry(
        actor=request.user, job=import_job_get(actor=request.user, job_id=job_id)
    )
    return Status(202, job)


@router.get(
    "/imports/{job_id}/errors",
    response={200: None, ERROR_CODES: ErrorOut},
    openapi_extra={
        "responses": {200: {"description": "The error report (CSV).", "content": {"text/csv": {}}}}
    },
)
def get_import_errors(request: Any, job_id: uuid.UUID) -> FileResponse:
    report = job_error_report(import_job_get(actor=request.user, job_id=job_id))
    if not report.exists():
        raise Http404
    return FileResponse(
        report.open("rb"), as_attachment=True, filename="errors.csv", content_type="text/csv"
    )


@router.get("/batches", response={200: list[BatchOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_batches(request: Any) -> QuerySet[ImportBatch]:
    return batches_visible_to(request.user)


@router.post("/batches/{batch_id}/undo", response={200: BatchOut, ERROR_CODES: ErrorOut})
def undo_batch(request: Any, batch_id: PathId) -> ImportBatch:
    return batch_undo(actor=request.user, batch=batch_get(actor=request.user, batch_id=batch_id))


@router.get(
    "/accounts/{account_id}/ledger-lines",
    response={200: list[LedgerLineOut], ERROR_CODES: ErrorOut},
)
@paginate(Page)
def list_ledger_lines(request: Any, account_id: PathId) -> QuerySet[LedgerLine]:
    return account_ledger_lines(account=account_get(actor=request.user, account_id=account_id))


@router.get("/accounts/{account_id}/sales", response={200: SalesOut, ERROR_CODES: ErrorOut})
def get_account_sales(
    request: Any, account_id: PathId, as_of: IsoDate | None = None
) -> dict[str, Any]:
    account = account_get(actor=request.user, account_id=account_id)
    day = as_of or today()
    sales = account_sales(account=account, as_of=day)
    return {
        "as_of": day,
        "currency": base_currency(),
        "months": [
            {"month": m, "revenue": cents_text(r)}
            for m, r in zip(sales.months, sales.revenue, strict=True)
        ],
        "trailing_12": cents_text(sales.trailing_12),
        "previous_12": cents_text(sales.previous_12),
        "growth": sales.growth,
        "top_categories": [
            {"category": c, "revenue": cents_text(r)} for c, r in sales.top_categories
        ],
        "last_purchase": sales.last_purchase,
    }
