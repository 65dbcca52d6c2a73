"""The permission walk's imports (DOMAIN §13): a file naming another user's account is
refused row by row, as a code nobody has. Each runs the worker, which needs its transactions
committed, so each builds the walk's world for itself (tests/api/test_walk.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kam.org.models import User
from tests.api.test_walk import JOB_BOOKKEEPING, PREFIX, SECRET, build_world, snapshot
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(manager: User, other_manager: User) -> dict[str, Any]:
    return build_world(manager, other_manager)


# One file per importer, each naming Otto's account and a code nobody has (DOMAIN §13).
FOREIGN_ROWS = {
    "ledger": b"customer,date,amount\nOTTO-1,2026-10-01,1.00\nNOPE-1,2026-10-01,1.00\n",
    "costs": b"account,month,kind,amount\nOTTO-1,2026-10,travel,5.00\nNOPE-1,2026-10,travel,5.00\n",
    "contacts": b"account,name\nOTTO-1,Spy\nNOPE-1,Spy\n",
    "survey-responses": b"account,responded_on,nps\nOTTO-1,2026-10-01,9\nNOPE-1,2026-10-01,9\n",
    "activities": (
        b"account,kind,date,subject\nOTTO-1,call,2026-10-01,Spy\nNOPE-1,call,2026-10-01,Spy\n"
    ),
}


@pytest.mark.parametrize("kind", FOREIGN_ROWS)
def test_an_import_naming_another_users_account_is_refused_by_row(kind, world, manager) -> None:
    """Another's account code reads exactly as an unknown one, and nothing is written."""
    client = api_client_for(manager)
    call_command("worker", "--batch")  # the world's own queued runs first
    before = {name: rows for name, rows in snapshot().items() if name not in JOB_BOOKKEEPING}

    created = client.post(
        f"{PREFIX}/imports",
        {
            "file": SimpleUploadedFile(f"{kind}.csv", FOREIGN_ROWS[kind]),
            "kind": kind,
            "create_accounts": "false",
        },
    )
    call_command("worker", "--batch")
    job = client.get(f"{PREFIX}/imports/{created.json()['id']}")

    assert created.status_code == 202, created.content
    result = job.json()["result"]
    assert job.json()["status"] == "rejected"
    theirs, unknown = result["errors"]
    assert (theirs["row"], theirs["value"], unknown["value"]) == (2, "OTTO-1", "NOPE-1")
    assert theirs["reason"] == unknown["reason"]
    assert SECRET not in job.content.decode()
    assert "otto" not in job.content.decode()
    assert {n: rows for n, rows in snapshot().items() if n not in JOB_BOOKKEEPING} == before
