"""Ledger pages: upload, check the mapping and preview, follow the import, undo a batch."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.selectors import account_get
from kam.core.dates import today
from kam.core.errors import DomainError
from kam.ledger.forms import MappingForm, UploadForm
from kam.ledger.jobs import (
    import_job_create,
    import_job_preview,
    import_job_progress,
    import_job_retry,
    import_job_start,
    job_error_report,
    job_file,
    job_importer,
)
from kam.ledger.models import ImportJob, JobStatus
from kam.ledger.selectors import (
    account_ledger_lines,
    account_sales,
    batch_get,
    batches_visible_to,
    import_job_get,
    import_jobs_visible_to,
)
from kam.ledger.services import batch_undo
from kam.ledger.upkeep import import_job_wait, import_jobs_oldest_waiting
from kam.org.http import AuthedRequest
from kam.org.selectors import base_currency


@login_required
def import_list_view(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "ledger/import_list.html",
        {
            "section": "imports",
            "form": UploadForm(),
            "jobs": import_jobs_visible_to(request.user)[:20],
            "batches": batches_visible_to(request.user)[:20],
            "waiting": import_jobs_oldest_waiting(import_jobs_visible_to(request.user)),
        },
    )


@login_required
@require_POST
def import_upload_view(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                actor=request.user,
                file_name=upload.name,
                content=upload,
                size=upload.size,
                start=False,
                kind=form.cleaned_data["kind"],
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("import_detail", job_id=job.pk)
    return render(
        request,
        "ledger/import_list.html",
        {
            "section": "imports",
            "form": form,
            "jobs": import_jobs_visible_to(request.user)[:20],
            "batches": batches_visible_to(request.user)[:20],
        },
        status=400,
    )


@login_required
def import_detail_view(request: AuthedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = import_job_get(actor=request.user, job_id=job_id)
    context: dict[str, object] = {"section": "imports", **_status(job)}
    if job.status == JobStatus.UPLOADED:
        try:
            preview = import_job_preview(job)
        except DomainError as error:
            context["preview_error"] = error.message
        else:
            context["preview"] = preview
            context["form"] = MappingForm(
                importer=job_importer(job.kind), header=preview.header, matched=preview.matched
            )
    return render(request, "ledger/import_detail.html", context)


def _status(job: ImportJob) -> dict[str, object]:
    """What the job's status block shows: progress, and bad rows with kam's field names."""
    labels = job_importer(job.kind).labels
    rows = [
        {
            **error,
            "column": _(labels[error["column"]]) if error["column"] in labels else error["column"],
        }
        for error in (job.result or {}).get("errors", [])
    ]
    return {
        "job": job,
        "progress": _progress(job),
        "rejected_rows": rows,
        "wait": import_job_wait(job),
        "retryable": job.status == JobStatus.FAILED and job_file(job).exists(),
    }


def _progress(job: object) -> dict[str, int | None]:
    done = import_job_progress(job)  # type: ignore[arg-type]
    expected = getattr(job, "rows_expected", None)
    percent = min(100, round(100 * done / expected)) if expected else None
    return {"done": done, "expected": expected, "percent": percent}


@login_required
@require_POST
def import_start_view(request: AuthedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = import_job_get(actor=request.user, job_id=job_id)
    preview = import_job_preview(job)
    form = MappingForm(
        request.POST,
        importer=job_importer(job.kind),
        header=preview.header,
        matched=preview.matched,
    )
    if not form.is_valid():
        return render(
            request,
            "ledger/import_detail.html",
            {"section": "imports", **_status(job), "preview": preview, "form": form},
            status=400,
        )
    try:
        import_job_start(actor=request.user, job=job, options=form.options())
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("import_detail", job_id=job.pk)


@login_required
@require_POST
def import_retry_view(request: AuthedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = import_job_get(actor=request.user, job_id=job_id)
    try:
        import_job_retry(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Import queued again."))
    return redirect("import_detail", job_id=job.pk)


@login_required
def import_progress_view(request: AuthedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = import_job_get(actor=request.user, job_id=job_id)
    response = render(request, "ledger/import_detail.html#status", _status(job))
    if job.is_finished:
        response["HX-Refresh"] = "true"  # show the whole result page once
    return response


@login_required
def import_errors_view(request: AuthedRequest, job_id: uuid.UUID) -> FileResponse:
    report = job_error_report(import_job_get(actor=request.user, job_id=job_id))
    if not report.exists():
        raise Http404
    return FileResponse(
        report.open("rb"),
        as_attachment=True,
        filename=f"import-errors-{job_id}.csv",
        content_type="text/csv",
    )


@login_required
@require_POST
def batch_undo_view(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = batch_get(actor=request.user, batch_id=batch_id)
    try:
        batch_undo(actor=request.user, batch=batch)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Import %(name)s undone: its lines are removed.") % {"name": batch.file_name}
        )
    return redirect("import_list")


@login_required
def account_sales_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The account page's sales panel: monthly revenue chart, T12M, YoY, categories."""
    account = account_get(actor=request.user, account_id=account_id)
    sales = account_sales(account=account, as_of=today())
    chart = {
        "months": [month.strftime("%Y-%m") for month in sales.months],
        "revenue": [cents / 100 for cents in sales.revenue],
        "currency": base_currency(),
        "seriesName": _("Net revenue"),
    }
    return render(
        request,
        "ledger/account_sales.html",
        {
            "account": account,
            "sales": sales,
            "chart": chart,
            "currency": base_currency(),
            "has_sales": any(sales.revenue) or sales.last_purchase is not None,
        },
    )


@login_required
def account_lines_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    page = Paginator(account_ledger_lines(account=account).select_related("batch"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ledger/account_lines.html",
        {"account": account, "page": page, "currency": base_currency()},
    )
