"""One rule for a formula-looking text on every path (docs/rules.md, Input: Formulas).

A code or a name that a spreadsheet would run as a formula is refused wherever it enters:
an import row, a page form, an API field. A free text (a note) keeps it as typed. Every
export neutralises formula-looking cells; -10 is a number, not a formula.
"""

from __future__ import annotations

import csv

import pyarrow as pa
import pytest
from django.test import Client
from django.urls import reverse

from kam.accounts.models import Account, Note
from kam.core.export import safe_row, spreadsheet_safe
from kam.importing.results import RowError
from kam.importing.values import is_formula, looks_like_formula
from kam.ledger.services import ledger_import, write_rows_report
from kam.portfolio.importing import costs_import
from kam.portfolio.models import CostToServe
from tests.conftest import api_client_for
from tests.factories import AccountFactory

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx", "=1"]
NOT_FORMULAS = ["-10", "+7.5", "-1,234.56", "1e3", "Acme", "", "a=b", "(5)"]


def test_one_rule_for_a_column_and_for_one_value() -> None:
    cells = [*FORMULAS, *NOT_FORMULAS]
    assert looks_like_formula(pa.array(cells)).tolist() == [is_formula(c) for c in cells]
    assert [is_formula(c) for c in cells] == [True] * len(FORMULAS) + [False] * len(NOT_FORMULAS)


@pytest.mark.django_db
def test_the_ledger_import_refuses_a_formula_in_a_product(tmp_path, director) -> None:
    AccountFactory(code="F1")
    path = tmp_path / "ledger.csv"
    path.write_text('customer,date,amount,product\nF1,2026-10-01,-10,"=HYPERLINK(1)"\n')

    result = ledger_import(actor=director, path=path)

    assert result.status == "rejected"
    assert [(e.row, e.column) for e in result.errors] == [(2, "product")]


@pytest.mark.django_db
def test_the_page_form_refuses_a_formula_in_a_name(director) -> None:
    client = Client()
    client.force_login(director)

    response = client.post(
        reverse("account_create"),
        {"code": "F2", "name": "=HYPERLINK(1)", "account_type": "end_user", "status": "prospect"},
    )

    assert response.status_code == 200
    assert "looks like a spreadsheet formula" in str(response.context["form"].errors["name"])
    assert not Account.objects.filter(code="F2").exists()


@pytest.mark.django_db
def test_the_api_refuses_a_formula_in_a_name_naming_the_field(director) -> None:
    response = api_client_for(director).post(
        "/api/v1/accounts",
        {"code": "F3", "name": "@SUM(A1)", "account_type": "end_user"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert "looks like a spreadsheet formula" in response.json()["errors"][0]["message"]
    assert not Account.objects.filter(code="F3").exists()


@pytest.mark.django_db
def test_a_note_keeps_a_formula_looking_text_as_typed(manager) -> None:
    account = AccountFactory(owner=manager)
    response = api_client_for(manager).post(
        f"/api/v1/accounts/{account.pk}/notes",
        {"body": "=1+1 is what they asked"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Note.objects.get().body == "=1+1 is what they asked"


def test_exports_neutralise_formulas_and_keep_numbers() -> None:
    assert spreadsheet_safe("=1+1") == "'=1+1"
    assert spreadsheet_safe("-10") == "-10"
    assert safe_row([2, "@SUM(A1)", None, "-2+3", "Pumps"]) == [
        2,
        "'@SUM(A1)",
        None,
        "'-2+3",
        "Pumps",
    ]


def test_the_error_report_neutralises_the_files_own_header_and_value(tmp_path) -> None:
    # given a rejected row whose column (the file's header) and value are formulas
    report = write_rows_report([RowError(2, "=cmd", "required", "+cmd|x")], tmp_path / "e.csv")

    rows = list(csv.reader(report.open(encoding="utf-8-sig")))

    assert rows[1] == ["2", "'=cmd", "required", "'+cmd|x"]


@pytest.mark.django_db
def test_an_import_keeps_a_formula_looking_free_text_and_refuses_it_in_a_code(
    tmp_path, director
) -> None:
    # given a cost whose description begins like a formula, then one whose account does
    AccountFactory(code="ACME")
    kept = tmp_path / "costs.csv"
    kept.write_text("account,month,kind,amount,description\nACME,2026-03,travel,10,=1+1 taxis\n")
    refused = tmp_path / "bad.csv"
    refused.write_text("account,month,kind,amount\n@ACME,2026-03,travel,10\n")

    # then the free text is kept as typed, as the API keeps a note, and the code is refused
    assert costs_import(actor=director, path=kept).status == "imported"
    assert CostToServe.objects.get().description == "=1+1 taxis"
    result = costs_import(actor=director, path=refused)
    assert result.status == "rejected"
    assert [(e.row, e.column, e.reason) for e in result.errors][:1] == [
        (2, "account", "looks like a spreadsheet formula")
    ]
