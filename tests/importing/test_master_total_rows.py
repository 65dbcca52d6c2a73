"""A total row ending a master-data file is named, or skipped when asked (docs/rules.md,
"Total rows"): accounts, contacts and costs take the same option as the ledger."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command

from kam.accounts.importing import accounts_import
from kam.accounts.models import Account
from kam.importing.results import cut_total_rows
from kam.portfolio.importing import costs_import
from kam.portfolio.models import CostToServe
from kam.relationships.importing import contacts_import
from kam.relationships.models import Contact
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_only_the_total_rows_that_end_a_table_are_cut() -> None:
    # Given a table with a subtotal inside and two total rows at its end
    table = pa.table(
        {"code": ["A", None, "B", None, None], "name": ["a", "小计", "b", "合计", "Total"]}
    )

    # When it is cut, skipping total rows, and read without skipping
    skipping = cut_total_rows(table, ("code", "name"), skip=True)
    refusing = cut_total_rows(table, ("code", "name"), skip=False)

    # Then the two last rows are cut (rows 5 and 6 of the file) and the inner one is refused
    assert skipping.table.num_rows == 3 and skipping.skipped == [5, 6]
    assert [(e.row, e.column, e.value) for e in skipping.errors] == [(3, "name", "小计")]
    assert "before the end of the file" in skipping.errors[0].reason
    # and without skipping every total row is an error naming its word and the option
    assert [e.row for e in refusing.errors] == [3, 5, 6] and refusing.table.num_rows == 5
    assert "--skip-total-rows" in refusing.errors[0].reason


def test_an_accounts_file_ending_in_a_total_row_is_refused_then_skipped(tmp_path, director) -> None:
    # Given an account list exported with a count row at its end
    path = write(tmp_path, "code,name\nA1,Alpha\nA2,Beta\n,合计\n")

    # When it is imported without, then with the option
    refused = accounts_import(actor=director, path=path)
    assert not Account.objects.filter(code__in=["A1", "A2"]).exists()
    imported = accounts_import(actor=director, path=path, skip_total_rows=True)

    # Then the first names the total row and changes nothing; the second imports the rest
    assert refused.status == "rejected"
    assert any(e.row == 4 and e.value == "合计" for e in refused.errors)
    assert (imported.status, imported.created, imported.total_rows_skipped) == (
        "imported",
        ["A1", "A2"],
        [4],
    )


def test_contacts_and_costs_skip_their_total_rows_too(tmp_path, director) -> None:
    # Given one account with a contact list and a cost report, each with a total row
    AccountFactory(code="ACME")
    contacts = write(tmp_path, "account,name\nACME,Li Wei\n,Total\n")
    contacts_result = contacts_import(actor=director, path=contacts, skip_total_rows=True)
    costs = tmp_path / "costs.csv"
    costs.write_text('account,month,kind,amount\nACME,2026-03,travel,100\n,Total,,"100"\n')

    # When the costs are imported without the option, then with it
    refused = costs_import(actor=director, path=costs)
    skipped = costs_import(actor=director, path=costs, skip_total_rows=True)

    # Then each skips the row it was asked to, and the refusal names it
    assert (contacts_result.status, contacts_result.total_rows_skipped) == ("imported", [3])
    assert Contact.objects.filter(account__code="ACME").count() == 1
    assert refused.status == "rejected" and any(e.value == "Total" for e in refused.errors)
    assert (skipped.status, skipped.total_rows_skipped) == ("imported", [3])
    assert CostToServe.objects.filter(account__code="ACME").count() == 1


def test_the_cli_offers_the_option_for_every_master_data_import(tmp_path, director) -> None:
    # Given an accounts file with a total row
    path = write(tmp_path, "code,name\nA1,Alpha\n,Total\n")

    # When the CLI imports it without the option, it exits naming the row
    with pytest.raises(CommandError):
        call_command(
            "import", "accounts", str(path), "--user", director.username, stdout=StringIO()
        )

    # Then with the option it imports and says which row it skipped
    out = StringIO()
    call_command(
        "import",
        "accounts",
        str(path),
        "--user",
        director.username,
        "--skip-total-rows",
        stdout=out,
    )
    assert Account.objects.filter(code="A1").exists()
    assert "Total rows skipped: 3" in out.getvalue()
