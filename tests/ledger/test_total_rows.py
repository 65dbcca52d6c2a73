"""A total row at the end of an export is named as one, and can be skipped on every path.

docs/rules.md, the ledger import: "Total rows". The CLI's --skip-total-rows, the upload page's
box and the API's skip_total_rows take the same option of the ledger importer.
"""

from __future__ import annotations

from io import StringIO

import pyarrow as pa
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kam.importing.values import total_rows
from kam.ledger.models import ImportJob, LedgerLine
from kam.ledger.services import ledger_import
from tests.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

# An ERP report as exported: credit notes in parentheses, a total row at the bottom.
EXPORT = (
    "customer,name,date,amount\n"
    'T1,Huaxin,2026-10-01,"1,000.00"\n'
    'T1,Huaxin,2026-10-02,"(200.50)"\n'
    ',合计,,"799.50"\n'
)


@pytest.mark.parametrize(
    "cell", ["合计", "Total", " TOTAL: ", "小计", "总计", "Grand total", "Sub Total", "合计："]
)
def test_a_cell_saying_total_makes_a_total_row(cell: str) -> None:
    table = pa.table({"a": ["C1", None], "b": ["Pumps", cell]})
    found = total_rows(table)
    assert found.rows.tolist() == [1]
    assert (found.columns, found.words) == ([1], [cell.strip()])


@pytest.mark.parametrize(
    "cell", ["Total Station", "Totally Pumps", "合计金额说明书", "subtotals x"]
)
def test_a_name_that_only_contains_the_word_is_not_a_total(cell: str) -> None:
    assert total_rows(pa.table({"b": [cell]})).rows.tolist() == []


def test_a_total_row_rejects_the_file_naming_the_row_and_the_word(tmp_path, director) -> None:
    # given an export ending in a 合计 row
    AccountFactory(code="T1")
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")

    # when it is imported without the option
    result = ledger_import(actor=director, path=path)

    # then nothing is written and the one error says it is a total row
    assert result.status == "rejected"
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "name", "合计")]
    assert result.errors[0].reason.startswith(
        "looks like a total row (合计); use --skip-total-rows"
    )
    assert LedgerLine.objects.count() == 0


def test_skipping_total_rows_imports_the_rest_and_reports_them(tmp_path, director) -> None:
    AccountFactory(code="T1")
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")

    result = ledger_import(actor=director, path=path, skip_total_rows=True)

    assert result.status == "imported"
    assert result.total_rows_skipped == [4]
    assert sorted(LedgerLine.objects.values_list("amount_cents", flat=True)) == [-20050, 100000]


def test_the_cli_names_the_total_row_and_skips_it_when_asked(tmp_path, director) -> None:
    AccountFactory(code="T1")
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import", "ledger", str(path), stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("import", "ledger", str(path), "--skip-total-rows", stdout=out, stderr=StringIO())

    assert refused.value.returncode == 2
    assert "looks like a total row (合计)" in path.with_name("export.errors.csv").read_text()
    assert "Total rows skipped: 4" in out.getvalue()
    assert LedgerLine.objects.count() == 2


def test_the_api_takes_skip_total_rows(manager) -> None:
    AccountFactory(code="T1", owner=manager)
    client = api_client_for(manager)

    def upload(**options: str) -> dict:
        file = SimpleUploadedFile("export.csv", EXPORT.encode(), content_type="text/csv")
        job = client.post("/api/v1/imports", {"file": file, **options}).json()
        call_command("worker", "--batch")
        return client.get(f"/api/v1/imports/{job['id']}").json()

    refused, skipped = upload(), upload(skip_total_rows="true")

    assert refused["status"] == "rejected"
    assert skipped["status"] == "imported"
    assert skipped["result"]["total_rows_skipped"] == [4]
    assert skipped["result"]["total_rows_skipped_count"] == 1


def test_the_upload_page_has_the_box_and_honours_it(manager) -> None:
    AccountFactory(code="T1", owner=manager)
    client = Client()
    client.force_login(manager)
    uploaded = client.post(
        reverse("import_upload"), {"file": SimpleUploadedFile("export.csv", EXPORT.encode())}
    )
    job = ImportJob.objects.get()
    preview = client.get(uploaded.headers["Location"])
    assert "skip_total_rows" in preview.content.decode()

    client.post(
        reverse("import_start", args=[job.pk]),
        {"map_account_code": "0", "map_date": "2", "map_amount": "3", "skip_total_rows": "on"},
    )
    call_command("worker", "--batch")

    job.refresh_from_db()
    assert job.status == "imported"
    assert job.result["total_rows_skipped"] == [4]
