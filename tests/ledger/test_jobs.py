"""Background import jobs run by the real worker, with progress and a visible outcome."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils.translation import override

from kam.core.errors import InvalidInput, PermissionDenied
from kam.importing.messages import gettext_noop
from kam.importing.reading import FileRejected
from kam.ledger.jobs import import_job_create, import_job_progress, job_error_report
from kam.ledger.models import ImportJob, JobStatus, LedgerLine
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db(transaction=True)


def upload(actor, text: str, **options) -> ImportJob:
    data = text.encode()
    return import_job_create(
        actor=actor,
        file_name="export.csv",
        content=io.BytesIO(data),
        size=len(data),
        options=options,
    )


def test_an_uploaded_file_is_imported_by_the_worker(director) -> None:
    job = upload(
        director,  # who creates the file's new customers as prospects
        "Kunde,Datum,Betrag\nC1,2026-10-03,100\nC2,2026-10-04,50\n",
        mapping={"Kunde": "account_code", "Datum": "date", "Betrag": "amount"},
    )
    assert job.status == JobStatus.QUEUED
    assert job.rows_expected == 2

    call_command("worker", "--batch")

    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTED
    assert job.result["lines_added"] == 2
    assert import_job_progress(job) == 2
    assert LedgerLine.objects.count() == 2


def test_a_rejected_upload_keeps_an_error_report(manager) -> None:
    job = upload(manager, "customer,date,amount\nC1,2026-10-03,abc\n")

    call_command("worker", "--batch")

    job.refresh_from_db()
    assert job.status == JobStatus.REJECTED
    assert job.result["error_count"] == 1
    assert "not an amount" in job_error_report(job).read_text("utf-8-sig")
    assert not LedgerLine.objects.exists()


def test_an_unreadable_upload_is_refused_at_once(manager) -> None:
    with pytest.raises(InvalidInput) as raised:
        upload(manager, "")
    assert raised.value.errors[0].field == "file"
    assert not ImportJob.objects.exists()


def test_an_unknown_mapping_target_is_refused(manager) -> None:
    with pytest.raises(InvalidInput):
        upload(manager, "a,b,c\n1,2,3\n", mapping={"a": "customer_number"})


def test_executives_cannot_upload(executive) -> None:
    with pytest.raises(PermissionDenied):
        upload(executive, "customer,date,amount\nC1,2026-10-03,1\n")


def test_an_unknown_encoding_or_a_long_delimiter_is_refused(manager) -> None:
    with pytest.raises(InvalidInput) as raised:
        upload(manager, "a,b\n1,2\n", encoding="klingon")
    assert raised.value.errors[0].field == "encoding"
    with pytest.raises(InvalidInput):
        upload(manager, "a,b\n1,2\n", delimiter=";;")


def test_a_job_reports_in_the_language_of_whoever_started_it(manager) -> None:
    # Given a file with a bad amount, uploaded from a Chinese page
    with override("zh-hans"):
        job = upload(manager, "customer,date,amount\nC1,2026-10-03,abc\n")

    # When the worker (whose own language is English) runs it
    call_command("worker", "--batch")

    # Then the outcome and each row's reason read in Chinese
    job.refresh_from_db()
    assert job.status == JobStatus.REJECTED
    assert job.result["message"] == "1 个错误值；未导入任何内容"
    assert job.result["errors"][0]["reason"] == "不是金额"
    report = job_error_report(job).read_text("utf-8-sig").splitlines()
    assert report[0] == "行,列,问题,值"
    assert report[1] == "2,amount,不是金额,abc"


def test_a_refused_file_says_why_in_the_language_it_is_shown_in() -> None:
    # Given a rejection raised once
    error = FileRejected(
        gettext_noop("a row is longer than %(size)s MiB; this is not a ledger table"), size=16
    )

    # Then it reads in whichever language shows it
    assert str(error) == "a row is longer than 16 MiB; this is not a ledger table"
    with override("zh-hans"):
        assert str(error) == "有一行超过 16 MiB；这不是销售台账表格"


@pytest.mark.usefixtures("unreachable_queue")
def test_an_upload_while_the_queue_is_down_answers_202_and_shows_the_job_failed(manager) -> None:
    client = api_client_for(manager)
    created = client.post(
        "/api/v1/imports",
        {"file": io.BytesIO(b"customer,date,amount\nC1,2026-10-03,100\n")},
    )
    job = client.get(f"/api/v1/imports/{created.json()['id']}").json()

    assert created.status_code == 202
    assert job["status"] == "failed"
    assert job["result"]["message"].startswith("The job queue could not be reached")
