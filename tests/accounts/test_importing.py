"""Customer master data imports: create, update, groups, owners, potential (§2, §13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from kam.accounts.importing import accounts_import
from kam.accounts.models import Account
from kam.core.errors import PermissionDenied
from kam.importing.reading import FileRejected
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_accounts_are_created_and_updated_with_groups_owners_and_potential(
    tmp_path, director, manager
) -> None:
    AccountFactory(code="OLD", name="Old name", industry="Energy")
    path = write(
        tmp_path,
        "Code,Name,Industry,Type,Size,Parent,Owner,Potential,"
        "Potential Date,Potential Source\n"
        'SUB,Sub Co,Energy,oem,large,GRP,mia,"12,000,000.50",2026-06-30,Budget\n'
        "GRP,Group Co,Energy,end_user,enterprise,,mia,,,\n"
        "old,New name,,,,,,,,\n",
    )

    result = accounts_import(actor=director, path=path)

    assert (result.status, result.created, result.updated) == ("imported", ["GRP", "SUB"], ["OLD"])
    sub = Account.objects.get(code="SUB")
    assert (sub.parent.code, sub.owner, sub.account_type, sub.size_band) == (
        "GRP",
        manager,
        "oem",
        "large",
    )
    estimate = sub.potential_estimates.get()
    assert (estimate.amount, estimate.estimated_on, estimate.source) == (
        Decimal("12000000.50"),
        dt.date(2026, 6, 30),
        "Budget",
    )
    old = Account.objects.get(code="OLD")
    assert (old.name, old.industry) == ("New name", "Energy")
    assert old.history.first().history_user == director


def test_a_cycle_unknown_owner_or_bad_choice_rejects_the_whole_file(tmp_path, director) -> None:
    path = write(
        tmp_path, "code,name,parent,owner,size\nA,A,B,,\nB,B,A,,\nC,C,,ghost,\nD,D,,,gigantic\n"
    )

    result = accounts_import(actor=director, path=path)

    assert result.status == "rejected"
    assert {(e.row, e.column) for e in result.errors} == {(4, "owner"), (5, "size")}
    assert not Account.objects.exists()

    cycle = accounts_import(
        actor=director, path=write(tmp_path, "code,name,parent\nA,A,B\nB,B,A\n")
    )
    assert {e.reason for e in cycle.errors} == {"makes a cycle of parent accounts"}
    assert not Account.objects.exists()


def test_repeated_codes_and_missing_names_are_reported(tmp_path, director) -> None:
    result = accounts_import(
        actor=director, path=write(tmp_path, "code,name\nA,Alpha\na,Again\nB,\n")
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "code"), (4, "name")]


def test_only_a_director_or_admin_imports_accounts(tmp_path, manager) -> None:
    with pytest.raises(PermissionDenied):
        accounts_import(actor=manager, path=write(tmp_path, "code,name\nA,Alpha\n"))


def test_a_file_without_a_code_column_is_refused(tmp_path, director) -> None:
    with pytest.raises(FileRejected, match="no column for code"):
        accounts_import(actor=director, path=write(tmp_path, "id,title\n1,x\n"))


def test_a_nul_character_past_the_first_megabyte_rejects_its_row(tmp_path, director) -> None:
    # Given a clean first megabyte (the binary check reads only that) and a name with a NUL
    rows = "".join(f"A{n},Customer number {n} of a long list\n" for n in range(30_000))
    path = write(tmp_path, "code,name\n" + rows + "BAD,Broken\x00Name\n")

    # When it is imported
    result = accounts_import(actor=director, path=path)

    # Then the row is named, and no account was written
    assert result.status == "rejected"
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (30_002, "name", "contains a NUL character")
    ]
    assert not Account.objects.exists()


def test_a_dry_run_lists_the_accounts_and_changes_nothing(tmp_path, director) -> None:
    path = write(tmp_path, "code,name,parent\nG1,Group One,\nS1,Subsidiary One,G1\n")

    result = accounts_import(actor=director, path=path, dry_run=True)

    assert (result.status, result.created, result.errors) == ("dry_run", ["G1", "S1"], [])
    assert not Account.objects.exists()
