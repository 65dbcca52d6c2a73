"""Cost to serve imported from a file: whole or not at all, replacing by account-month-kind (§4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kam.core.errors import PermissionDenied
from kam.importing.reading import FileRejected
from kam.portfolio.importing import costs_import
from kam.portfolio.models import CostToServe, ScoreRun
from tests.factories import AccountFactory, CostToServeFactory

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "costs.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_costs_are_recorded_per_month_with_people_time_as_hours_times_rate(
    tmp_path, director
) -> None:
    AccountFactory(code="ACME")
    AccountFactory(code="BETA")
    path = write(
        tmp_path,
        "Account,Month,Kind,Amount,Hours,Rate,Description\n"
        "ACME,2026-03,people,,12.5,480,Workshop\n"
        'acme,2026-03-17,Travel and entertainment,"1,200.00",,,Visit\n'
        "BETA,2026年4月,折扣与返利,300,,,\n",
    )

    result = costs_import(actor=director, path=path)

    assert (result.status, result.records_added, result.accounts) == ("imported", 3, 2)
    rows = {
        (r.account.code, r.month, r.kind): (r.amount, r.hours, r.description)
        for r in CostToServe.objects.select_related("account")
    }
    assert rows == {
        ("ACME", dt.date(2026, 3, 1), "people"): (Decimal("6000.00"), Decimal("12.50"), "Workshop"),
        ("ACME", dt.date(2026, 3, 1), "travel"): (Decimal("1200.00"), None, "Visit"),
        ("BETA", dt.date(2026, 4, 1), "discount"): (Decimal("300.00"), None, ""),
    }
    assert CostToServe.objects.first().history.first().history_user == director
    assert ScoreRun.objects.filter(reason="cost to serve").exists()


def test_the_same_file_twice_replaces_instead_of_adding(tmp_path, director) -> None:
    account = AccountFactory(code="ACME")
    CostToServeFactory(account=account, month=dt.date(2026, 3, 1), amount=Decimal(999))
    CostToServeFactory(account=account, month=dt.date(2026, 4, 1), amount=Decimal(50))
    path = write(
        tmp_path, "account,month,kind,amount\nACME,2026-03,travel,100\nACME,2026-03,travel,20\n"
    )

    first = costs_import(actor=director, path=path)
    second = costs_import(actor=director, path=path)

    assert (first.records_replaced, second.records_replaced) == (1, 2)
    amounts = sorted(CostToServe.objects.values_list("month", "amount"))
    assert amounts == [
        (dt.date(2026, 3, 1), Decimal("20.00")),
        (dt.date(2026, 3, 1), Decimal("100.00")),
        (dt.date(2026, 4, 1), Decimal("50.00")),  # a month the file does not name stays
    ]


def test_bad_rows_reject_the_whole_file_naming_row_column_and_reason(
    tmp_path, director, manager, other_manager
) -> None:
    AccountFactory(code="ACME")
    AccountFactory(code="HIDDEN", owner=other_manager)
    path = write(
        tmp_path,
        "account,month,kind,amount,hours,rate\n"
        "ACME,2026-03,travel,100,,\n"
        "NOPE,2026-03,travel,100,,\n"
        "ACME,2026-13,travel,100,,\n"
        "ACME,2026-03,bribes,100,,\n"
        "ACME,2026-03,travel,-5,,\n"
        "ACME,2026-03,people,,10,\n"
        '=HYPERLINK("x"),2026-03,travel,1,,\n'
        "HIDDEN,2026-03,travel,1,,\n",
    )

    result = costs_import(actor=manager, path=path)

    assert result.status == "rejected"
    found = {(e.row, e.column, e.reason) for e in result.errors}
    assert {
        (3, "account", "no account with this code"),
        (4, "month", "not a date or month"),
        (5, "kind", "not one of: people, discount, free_goods, presales, travel, other"),
        (6, "amount", "out of range"),
        (7, "amount", "give an amount, or hours and a rate for people's time"),
        (8, "account", "looks like a spreadsheet formula"),
        (9, "account", "no account with this code"),  # another manager's account stays hidden
    } <= found
    assert not CostToServe.objects.exists()


def test_a_file_without_an_amount_column_or_rows_is_refused(tmp_path, director) -> None:
    with pytest.raises(FileRejected, match="amount"):
        costs_import(actor=director, path=write(tmp_path, "account,month,kind\nA,2026-01,travel\n"))
    with pytest.raises(FileRejected, match="no rows"):
        costs_import(actor=director, path=write(tmp_path, "account,month,kind,amount\n"))


def test_read_only_users_import_nothing(tmp_path, executive) -> None:
    AccountFactory(code="ACME")
    with pytest.raises(PermissionDenied):
        costs_import(
            actor=executive,
            path=write(tmp_path, "account,month,kind,amount\nACME,2026-03,travel,1\n"),
        )


def test_the_command_imports_costs_and_exits_2_with_a_report_on_bad_rows(
    tmp_path, director
) -> None:
    AccountFactory(code="ACME")
    good = write(tmp_path, "客户编码;月份;类型;金额\nACME;2026-03;差旅与招待;1.234,50\n", "gb18030")
    out = StringIO()

    call_command("import", "costs", str(good), "--user", director.username, stdout=out)

    assert "1 cost record(s) for 1 account(s), 0 replaced" in out.getvalue()
    assert CostToServe.objects.get().amount == Decimal("1234.50")
    bad = tmp_path / "bad.csv"
    bad.write_text("account,month,kind,amount\nACME,soon,travel,1\n")
    with pytest.raises(CommandError) as raised:
        call_command("import", "costs", str(bad), "--user", director.username, stderr=StringIO())
    assert raised.value.returncode == 2
    assert "soon" in (tmp_path / "bad.errors.csv").read_text()
    assert CostToServe.objects.count() == 1


def test_a_month_outside_the_calendar_kam_scores_is_refused(tmp_path, director) -> None:
    AccountFactory(code="ACME")
    path = write(
        tmp_path, "account,month,kind,amount\nACME,0001-03,travel,1\nACME,2026-03,travel,1\n"
    )

    result = costs_import(actor=director, path=path)

    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "month", "outside the years 1900–2999")
    ]
    assert not CostToServe.objects.exists()


def test_a_dry_run_counts_the_costs_and_changes_nothing(tmp_path, director) -> None:
    AccountFactory(code="ACME")
    path = write(tmp_path, "Account,Month,Kind,Amount\nACME,2026-03,travel,100\n")

    result = costs_import(actor=director, path=path, dry_run=True)

    assert (result.status, result.records_added, result.accounts) == ("dry_run", 1, 1)
    assert not CostToServe.objects.exists()
    assert not ScoreRun.objects.exists()


def test_a_replaced_record_leaves_one_deletion_in_its_history(tmp_path, director) -> None:
    # Given a recorded travel cost for March
    account = AccountFactory(code="ACME")
    old = CostToServeFactory(account=account, month=dt.date(2026, 3, 1), amount=Decimal(999))

    # When a file naming March's travel is imported
    costs_import(
        actor=director, path=write(tmp_path, "account,month,kind,amount\nACME,2026-03,travel,100\n")
    )

    # Then the old record's history ends with exactly one deletion, by the importer
    deletions = CostToServe.history.filter(id=old.pk, history_type="-")
    assert [(d.amount, d.history_user) for d in deletions] == [(Decimal("999.00"), director)]
