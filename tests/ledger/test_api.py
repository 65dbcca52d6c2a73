"""The ledger API: uploads run by the worker, batches, undo, an account's sales."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kam.ledger.models import ImportBatch
from tests.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_poll_and_read_the_accounts_sales(manager) -> None:
    account = AccountFactory(owner=manager, code="C1")
    client = api_client_for(manager)
    csv = b"customer,date,amount,category\nC1,2025-10-15,100.00,Pumps\nC1,2026-10-15,150.50,Pumps\n"

    created = client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("ledger.csv", csv, content_type="text/csv")}
    )
    call_command("worker", "--batch")
    job = client.get(f"/api/v1/imports/{created.json()['id']}").json()
    sales = client.get(f"/api/v1/accounts/{account.pk}/sales", {"as_of": "2026-11-24"}).json()

    assert created.status_code == 202
    assert (job["status"], job["rows_done"], job["result"]["lines_added"]) == ("imported", 2, 2)
    assert (sales["trailing_12"], sales["previous_12"]) == ("150.50", "100.00")
    assert sales["growth"] == pytest.approx(0.505)
    assert sales["months"][-1] == {"month": "2026-10-01", "revenue": "150.50"}
    assert sales["last_purchase"] == "2026-10-15"
    lines = client.get(f"/api/v1/accounts/{account.pk}/ledger-lines").json()
    assert [line["amount"] for line in lines["items"]] == ["150.50", "100.00"]


def test_a_rejected_upload_serves_its_error_report(manager) -> None:
    client = api_client_for(manager)
    created = client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("bad.csv", b"customer,date,amount\nC1,2026-10-15,x\n")},
    ).json()
    call_command("worker", "--batch")

    report = client.get(f"/api/v1/imports/{created['id']}/errors")

    assert report.status_code == 200
    assert report["Content-Type"] == "text/csv"
    assert b"not an amount" in b"".join(report.streaming_content)


def test_an_empty_upload_answers_422_naming_the_file(manager) -> None:
    response = api_client_for(manager).post(
        "/api/v1/imports", {"file": SimpleUploadedFile("empty.csv", b"")}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_another_users_upload_answers_404(manager, other_manager) -> None:
    created = api_client_for(other_manager).post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("l.csv", b"customer,date,amount\nC1,2026-10-15,1\n")},
    )
    response = api_client_for(manager).get(f"/api/v1/imports/{created.json()['id']}")
    assert response.status_code == 404


def test_only_a_director_undoes_a_batch(manager, director) -> None:
    api_client_for(director).post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("l.csv", b"customer,date,amount\nC1,2026-10-15,1\n")},
    )
    call_command("worker", "--batch")
    batch = ImportBatch.objects.get()

    refused = api_client_for(manager).post(f"/api/v1/batches/{batch.pk}/undo")
    undone = api_client_for(director).post(f"/api/v1/batches/{batch.pk}/undo")

    assert refused.status_code == 404  # not their batch: it is not visible to them
    assert (undone.status_code, undone.json()["status"]) == (200, "undone")
    assert dt.date.fromisoformat(undone.json()["undone_at"][:10])


def test_any_registered_kind_uploads_as_a_background_job(manager) -> None:
    AccountFactory(owner=manager, code="C1")
    client = api_client_for(manager)
    csv = b"account,name,email\nC1,Li Wei,li@example.com\n"

    created = client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("people.csv", csv), "kind": "contacts"},
    )
    call_command("worker", "--batch")
    job = client.get(f"/api/v1/imports/{created.json()['id']}").json()

    assert created.status_code == 202
    assert (job["kind"], job["status"]) == ("contacts", "imported")
    assert (job["result"]["rows_read"], job["result"]["created"]) == (1, 1)
    assert job["result"]["message"] == "1 row(s): 1 contact(s) created, 0 updated."


def test_an_unknown_kind_is_refused_naming_the_kinds(manager) -> None:
    response = api_client_for(manager).post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n"), "kind": "gizmos"},
    )

    assert response.status_code == 422
    body = response.json()
    assert "gizmos" in body["detail"]
    assert all(kind in body["detail"] for kind in ("ledger", "accounts", "costs", "contacts"))


def test_a_kind_the_user_may_not_import_is_refused_at_upload(manager) -> None:
    response = api_client_for(manager).post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("a.csv", b"code,name\nC9,Acme\n"), "kind": "accounts"},
    )

    assert response.status_code == 403
    assert "director" in response.json()["detail"]
