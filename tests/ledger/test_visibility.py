"""A user's ledger import writes only to accounts they may write (DOMAIN §13): another
manager's code is a row error worded like an unknown code, through the service, the CLI, the
upload page and the API; a system import (no user) still reaches every account."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.accounts.models import Account
from kam.ledger.models import ImportJob, JobStatus, LedgerLine
from kam.ledger.services import ledger_import
from tests.factories import AccountFactory, TeamMemberFactory

FILE = "customer,date,amount\nMIA-1,2026-10-03,100\nOTTO-1,2026-10-03,50\n"
UNKNOWN = "unknown customer code (accounts are not created by this import)"


@pytest.fixture
def accounts(manager, other_manager) -> tuple[Account, Account]:
    return (
        AccountFactory(owner=manager, code="MIA-1", name="Mia's"),
        AccountFactory(owner=other_manager, code="OTTO-1", name="SECRET-OF-OTTO"),
    )


def ledger_file(tmp_path: Path, text: str = FILE) -> Path:
    path = tmp_path / "ledger.csv"
    path.write_text(text)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("create_accounts", [True, False])
def test_another_managers_code_is_a_row_error_like_an_unknown_one(
    tmp_path, manager, accounts, create_accounts
) -> None:
    result = ledger_import(
        actor=manager, path=ledger_file(tmp_path), create_accounts=create_accounts
    )

    assert result.status == "rejected"
    assert [(e.row, e.column, e.value, e.reason) for e in result.errors] == [
        (3, "account_code", "OTTO-1", UNKNOWN)
    ]
    assert "otto" not in result.message.casefold()
    assert not LedgerLine.objects.exists()
    assert Account.objects.count() == 2


@pytest.mark.django_db
def test_a_code_the_file_writes_in_another_case_is_still_anothers(
    tmp_path, manager, accounts
) -> None:
    result = ledger_import(actor=manager, path=ledger_file(tmp_path, FILE.replace("OTTO", "otto")))

    assert [(e.value, e.reason) for e in result.errors] == [("otto-1", UNKNOWN)]
    assert Account.objects.count() == 2


@pytest.mark.django_db
def test_a_team_members_import_reaches_the_account(
    tmp_path, manager, other_manager, accounts
) -> None:
    TeamMemberFactory(account=accounts[1], user=manager)

    result = ledger_import(actor=manager, path=ledger_file(tmp_path))

    assert result.status == "imported"
    assert LedgerLine.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["director", None])
def test_a_director_or_a_system_import_reaches_every_account(
    tmp_path, request, accounts, actor
) -> None:
    user = request.getfixturevalue(actor) if actor else None

    result = ledger_import(actor=user, path=ledger_file(tmp_path))

    assert result.status == "imported"
    assert LedgerLine.objects.count() == 2


@pytest.mark.django_db
def test_the_cli_refuses_the_row_and_exits_2(tmp_path, manager, accounts) -> None:
    path = ledger_file(tmp_path)
    errors = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import", "ledger", str(path), "--user", manager.username, stderr=errors)

    assert refused.value.returncode == 2
    assert "row 3, account_code: unknown customer code" in errors.getvalue()
    assert "'OTTO-1'" in errors.getvalue()
    assert "otto" not in str(refused.value)
    assert "OTTO-1" in (tmp_path / "ledger.errors.csv").read_text("utf-8-sig")
    assert not LedgerLine.objects.exists()


@pytest.mark.django_db
def test_the_cli_without_a_user_still_imports_every_account(tmp_path, accounts) -> None:
    out = StringIO()

    call_command("import", "ledger", str(ledger_file(tmp_path)), stdout=out)

    assert "2 row(s) read" in out.getvalue()
    assert LedgerLine.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_upload_page_shows_the_refused_row(manager, accounts) -> None:
    client = Client()
    client.force_login(manager)
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("export.csv", FILE.encode())})
    job = ImportJob.objects.get()
    client.post(
        reverse("import_start", args=[job.pk]),
        {"map_account_code": "0", "map_date": "1", "map_amount": "2", "create_accounts": "on"},
    )
    call_command("worker", "--batch")

    page = client.get(reverse("import_detail", args=[job.pk]))

    assert page.context["job"].status == JobStatus.REJECTED
    assert [(r["row"], r["value"], r["reason"]) for r in page.context["rejected_rows"]] == [
        (3, "OTTO-1", UNKNOWN)
    ]
    assert "SECRET-OF-OTTO" not in page.content.decode()
    assert not LedgerLine.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_api_upload_reports_the_refused_row(api_as, manager, accounts) -> None:
    client = api_as(manager)
    created = client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("ledger.csv", FILE.encode())}
    ).json()
    call_command("worker", "--batch")

    job = client.get(f"/api/v1/imports/{created['id']}").json()

    assert job["status"] == "rejected"
    assert [(e["row"], e["value"], e["reason"]) for e in job["result"]["errors"]] == [
        (3, "OTTO-1", UNKNOWN)
    ]
    assert not LedgerLine.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("create_accounts", ["true", "false"])
def test_the_api_answers_a_hidden_code_in_an_upload_as_an_unknown_one(
    api_as, manager, accounts, create_accounts
) -> None:
    """Both uploads in one file each, the code written the same length: their answers differ
    only where they echo the code the file gave."""
    client = api_as(manager)
    answers = []
    for code in ("OTTO-1", "NOPE-1"):
        text = f"customer,date,amount\n{code},2026-10-03,5\n"
        created = client.post(
            "/api/v1/imports",
            {
                "file": SimpleUploadedFile("ledger.csv", text.encode()),
                "create_accounts": create_accounts,
            },
        ).json()
        call_command("worker", "--batch")
        job = client.get(f"/api/v1/imports/{created['id']}")
        body = job.json()
        answers.append((job.status_code, json.dumps(body["result"]).replace(code, "CODE")))

    assert answers[0] == answers[1]
    assert Account.objects.count() == 2
    assert not LedgerLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("create_accounts", [True, False])
def test_a_managers_import_reads_a_hidden_code_exactly_as_an_unknown_one(
    tmp_path, manager, accounts, create_accounts
) -> None:
    """Only who sees every code creates prospects (docs/rules.md "Asking for an account"):
    a manager's file gets the same answer, by the same queries, for both."""
    answers = []
    for code in ("OTTO-1", "NEW-1"):
        path = ledger_file(tmp_path, f"customer,date,amount\n{code},2026-10-03,5\n")
        with CaptureQueriesContext(connection) as queries:
            result = ledger_import(actor=manager, path=path, create_accounts=create_accounts)
        answers.append(
            (
                result.status,
                result.message,
                [(e.row, e.column, e.reason) for e in result.errors],
                len(queries),
            )
        )

    assert answers[0] == answers[1]
    assert answers[0][0] == "rejected"
    assert Account.objects.count() == 2
    assert not LedgerLine.objects.exists()


@pytest.mark.django_db
def test_a_directors_import_creates_prospects_with_no_owner_yet(tmp_path, director) -> None:
    result = ledger_import(
        actor=director, path=ledger_file(tmp_path, "customer,date,amount\nNEW-2,2026-09-03,5\n")
    )

    assert result.accounts_created == ["NEW-2"]
    assert Account.objects.get(code="NEW-2").owner is None
