"""Ledger pages: upload, check the preview and mapping, import, follow, undo."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kam.core.dates import today
from kam.core.months import last_month_end
from kam.ledger.models import ImportBatch, ImportJob, JobStatus, LedgerLine
from tests.conftest import signed_in
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXPORT = "Kunde;Datum;Umsatz;Beleg\nK1;24.11.2026;1.234,56;R1\nK2;23.11.2026;99,00;R2\n"


def test_upload_preview_map_import_and_see_the_result(director) -> None:
    client = signed_in(director)  # who creates the file's new customers as prospects

    uploaded = client.post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("export.csv", EXPORT.encode("cp1252"))},
    )
    job = ImportJob.objects.get()
    preview = client.get(uploaded.headers["Location"])
    started = client.post(
        reverse("import_start", args=[job.pk]),
        {
            "map_account_code": "0",
            "map_date": "1",
            "map_amount": "2",
            "map_document": "3",
            "create_accounts": "on",
        },
    )
    call_command("worker", "--batch")
    result = client.get(reverse("import_detail", args=[job.pk]))

    assert preview.context["preview"].rows[0] == ["K1", "24.11.2026", "1.234,56", "R1"]
    assert started.status_code == 302
    assert result.context["job"].status == JobStatus.IMPORTED
    assert sorted(LedgerLine.objects.values_list("amount_cents", flat=True)) == [9900, 123456]


def test_the_mapping_form_requires_the_key_columns(manager) -> None:
    client = signed_in(manager)
    client.post(
        reverse("import_upload"), {"file": SimpleUploadedFile("export.csv", EXPORT.encode())}
    )
    job = ImportJob.objects.get()

    response = client.post(reverse("import_start", args=[job.pk]), {"map_account_code": "0"})

    assert response.status_code == 400
    assert "map_date" in response.context["form"].errors
    job.refresh_from_db()
    assert job.status == JobStatus.UPLOADED


def test_progress_fragment_polls_until_done(manager) -> None:
    client = signed_in(manager)
    client.post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("e.csv", b"customer,date,amount\nC1,2026-10-01,5\n")},
    )
    job = ImportJob.objects.get()
    client.post(
        reverse("import_start", args=[job.pk]),
        {"map_account_code": "0", "map_date": "1", "map_amount": "2", "create_accounts": "on"},
    )

    waiting = client.get(reverse("import_progress", args=[job.pk]))
    call_command("worker", "--batch")
    done = client.get(reverse("import_progress", args=[job.pk]))

    assert 'hx-trigger="every 1s"' in waiting.text
    assert done.headers["HX-Refresh"] == "true"


def test_an_empty_upload_gets_a_message_on_the_page(manager) -> None:
    response = signed_in(manager).post(
        reverse("import_upload"), {"file": SimpleUploadedFile("empty.csv", b"")}
    )
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_another_users_upload_answers_404(manager, other_manager) -> None:
    signed_in(other_manager).post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("e.csv", b"customer,date,amount\nC1,2026-10-01,5\n")},
    )
    job = ImportJob.objects.get()
    assert signed_in(manager).get(reverse("import_detail", args=[job.pk])).status_code == 404


def test_the_director_undoes_a_batch_from_the_page(director) -> None:
    client = signed_in(director)
    client.post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("e.csv", b"customer,date,amount\nC1,2026-10-01,5\n")},
    )
    job = ImportJob.objects.get()
    client.post(
        reverse("import_start", args=[job.pk]),
        {"map_account_code": "0", "map_date": "1", "map_amount": "2", "create_accounts": "on"},
    )
    call_command("worker", "--batch")

    client.post(reverse("batch_undo", args=[ImportBatch.objects.get().pk]))

    assert not LedgerLine.objects.exists()
    assert ImportBatch.objects.get().status == "undone"


def test_the_account_sales_panel_shows_t12m_growth_and_the_chart_data(manager) -> None:
    account = AccountFactory(owner=manager, code="S1")
    last = last_month_end(today())
    year_before = last.replace(year=last.year - 1)
    client = signed_in(manager)
    client.post(
        reverse("import_upload"),
        {
            "file": SimpleUploadedFile(
                "e.csv",
                (
                    f"customer,date,amount,category\nS1,{year_before},100.00,Pumps\n"
                    f"S1,{last},1234567.89,Pumps\n"
                ).encode(),
            )
        },
    )
    job = ImportJob.objects.get()
    client.post(
        reverse("import_start", args=[job.pk]),
        {
            "map_account_code": "0",
            "map_date": "1",
            "map_amount": "2",
            "map_category": "3",
            "create_accounts": "on",
        },
    )
    call_command("worker", "--batch")

    panel = client.get(reverse("account_sales", args=[account.pk]))
    lines = client.get(reverse("account_lines", args=[account.pk]))

    assert panel.context["sales"].trailing_12 == 123456789
    assert "1,234,567.89" in panel.text
    assert panel.context["chart"]["revenue"][-1] == 1234567.89
    assert len(lines.context["page"].object_list) == 2


def test_an_account_without_sales_says_how_to_get_them(manager) -> None:
    account = AccountFactory(owner=manager)
    panel = signed_in(manager).get(reverse("account_sales", args=[account.pk]))
    assert "No sales recorded" in panel.text


def test_another_managers_sales_answer_404(manager, other_manager) -> None:
    theirs = AccountFactory(owner=other_manager)
    assert signed_in(manager).get(reverse("account_sales", args=[theirs.pk])).status_code == 404


def test_the_page_uploads_any_registered_kind_with_its_own_fields(manager) -> None:
    AccountFactory(owner=manager, code="C1")
    client = signed_in(manager)
    upload = SimpleUploadedFile("costs.csv", b"Konto,Monat,Art,Betrag\nC1,2026-10,travel,12.50\n")

    client.post(reverse("import_upload"), {"file": upload, "kind": "costs"})
    job = ImportJob.objects.get()
    preview = client.get(reverse("import_detail", args=[job.pk]))
    client.post(
        reverse("import_start", args=[job.pk]),
        {"map_account": "0", "map_month": "1", "map_kind": "2", "map_amount": "3"},
    )
    call_command("worker", "--batch")
    result = client.get(reverse("import_detail", args=[job.pk]))

    assert job.kind == "costs"
    assert [field.name for field in preview.context["form"].mapping_fields()][:3] == [
        "map_account",
        "map_month",
        "map_kind",
    ]
    assert "create_accounts" not in preview.context["form"].fields
    assert result.context["job"].status == JobStatus.IMPORTED
    assert "1 cost record(s) for 1 account(s)" in result.content.decode()
    assert "<td>Cost to serve</td>" in client.get(reverse("import_list")).content.decode()
