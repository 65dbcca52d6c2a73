"""Ledger imports: real-world files, all or nothing, idempotent, undo (DOMAIN §2)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum

from kam.accounts.models import Account, AccountStatus
from kam.accounts.services import account_delete
from kam.core.errors import PermissionDenied
from kam.importing.reading import FileRejected
from kam.ledger.models import BatchStatus, ExchangeRate, ImportBatch, LedgerLine, MonthlyAggregate
from kam.ledger.services import batch_undo, ledger_import, write_rows_report
from kam.ledger.store import lock_accounts
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

HEADER = "Customer Code,Invoice Date,Net Amount,Invoice No,Line,Category,Cost\n"


def write(tmp_path: Path, text: str, name: str = "ledger.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def ledger_state() -> tuple[int, int, int, int]:
    return (
        LedgerLine.objects.count(),
        MonthlyAggregate.objects.count(),
        ImportBatch.objects.count(),
        Account.objects.count(),
    )


def test_a_clean_file_loads_lines_and_monthly_aggregates(tmp_path, director) -> None:
    AccountFactory(code="C1")
    path = write(
        tmp_path,
        HEADER + "C1,2026-10-03,100.10,INV1,1,Pumps,60\n"
        "c1,2026-10-20,-20.00,CN1,1,Pumps,\n"
        "C1,2026-11-02,50,INV2,1,Valves,30\n",
    )

    result = ledger_import(actor=director, path=path)

    assert (result.status, result.lines_added, result.rows_read) == ("imported", 3, 3)
    october = MonthlyAggregate.objects.get(month=dt.date(2026, 10, 1))
    assert (
        october.revenue_cents,
        october.cost_cents,
        october.costed_revenue_cents,
        october.lines,
        october.orders,
    ) == (8010, 6000, 10010, 2, 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_chinese_erp_exports_in_every_encoding(tmp_path, director, encoding) -> None:
    path = write(
        tmp_path,
        "客户编码,开票日期,金额,客户名称\nK001,2026年10月3日,1000.00,华信机械\n",
        encoding=encoding,
    )

    result = ledger_import(actor=director, path=path)

    assert result.status == "imported"
    assert Account.objects.get(code="K001").name == "华信机械"


def test_a_western_cp1252_export_with_semicolons_and_decimal_commas(tmp_path, director) -> None:
    path = write(
        tmp_path,
        "Kunde;Datum;Betrag;Name\nM1;24.11.2026;1.234,56 €;Müller GmbH\n",
        encoding="cp1252",
    )

    result = ledger_import(
        actor=director,
        path=path,
        mapping={
            "Kunde": "account_code",
            "Datum": "date",
            "Betrag": "amount",
            "Name": "account_name",
        },
    )

    assert result.status == "imported"
    assert Account.objects.get(code="M1").name == "Müller GmbH"
    assert LedgerLine.objects.get().amount_cents == 123456


def test_tab_delimited_month_first_dates(tmp_path, director) -> None:
    path = write(tmp_path, "customer\tdate\tamount\nA\t11/24/2026\t5\nA\t01/02/2026\t5\n")
    ledger_import(actor=director, path=path)
    assert sorted(LedgerLine.objects.values_list("date", flat=True)) == [
        dt.date(2026, 1, 2),
        dt.date(2026, 11, 24),
    ]


def test_ambiguous_dates_reject_the_file_until_a_format_is_given(tmp_path, director) -> None:
    path = write(tmp_path, "customer,date,amount\nA,01/02/2026,5\nA,03/04/2026,5\n")
    with pytest.raises(FileRejected, match="day-first or month-first"):
        ledger_import(actor=director, path=path)
    assert ledger_state() == (0, 0, 0, 0)

    result = ledger_import(actor=director, path=path, date_format="%d/%m/%Y")
    assert result.status == "imported"


def test_one_bad_row_rejects_the_whole_file_and_names_row_column_and_reason(
    tmp_path, director
) -> None:
    AccountFactory(code="C1")
    before = ledger_state()
    path = write(
        tmp_path,
        HEADER + "C1,2026-10-03,100,INV1,1,Pumps,\n"
        'C1,2026-02-30,abc,INV2,1,=HYPERLINK("http://x"),\n'
        "NEW,2026-10-03,5,INV3,1,Pumps,\n",
    )

    result = ledger_import(actor=director, path=path)

    assert result.status == "rejected"
    assert ledger_state() == before
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "date"),
        (3, "amount"),
        (3, "category"),
    }
    report = write_rows_report(result.errors, tmp_path / "errors.csv").read_text("utf-8-sig")
    assert "'=HYPERLINK" in report


def test_the_same_file_twice_adds_nothing_and_names_the_batch(tmp_path, director) -> None:
    path = write(tmp_path, HEADER + "C1,2026-10-03,100,INV1,1,Pumps,\n")
    first = ledger_import(actor=director, path=path)

    second = ledger_import(actor=director, path=path)

    assert second.status == "duplicate"
    assert second.batch_id == first.batch_id
    assert LedgerLine.objects.count() == 1


def test_an_overlapping_export_adds_only_its_new_lines(tmp_path, director) -> None:
    ledger_import(
        actor=director,
        path=write(
            tmp_path,
            HEADER + "C1,2026-10-03,100,INV1,1,P,\nC1,2026-10-04,200,INV1,2,P,\n",
            "october.csv",
        ),
    )

    result = ledger_import(
        actor=director,
        path=write(
            tmp_path,
            HEADER + "C1,2026-10-04,200,INV1,2,P,\nC1,2026-11-01,300,INV2,1,P,\n",
            "october-november.csv",
        ),
    )

    assert (result.lines_added, result.lines_skipped) == (1, 1)
    assert MonthlyAggregate.objects.aggregate(total=Sum("revenue_cents"))["total"] == 60000


def test_unknown_customers_become_prospects_that_turn_customers_when_they_buy(
    tmp_path, director
) -> None:
    path = write(tmp_path, "customer,date,amount\nNEW1,2026-10-03,100\nNEW2,2026-10-03,-5\n")

    result = ledger_import(actor=director, path=path)

    assert result.accounts_created == ["NEW1", "NEW2"]
    assert Account.objects.get(code="NEW1").status == AccountStatus.CUSTOMER
    assert Account.objects.get(code="NEW2").status == AccountStatus.PROSPECT
    assert Account.objects.get(code="NEW1").owner is None


def test_no_create_accounts_rejects_unknown_codes(tmp_path, director) -> None:
    path = write(tmp_path, "customer,date,amount\nNEW1,2026-10-03,100\n")
    result = ledger_import(actor=director, path=path, create_accounts=False)
    assert result.status == "rejected"
    assert result.errors[0].reason.startswith("unknown customer code")
    assert ledger_state() == (0, 0, 0, 0)


def test_foreign_currency_lines_convert_at_the_months_rate_half_to_even(tmp_path, director) -> None:
    ExchangeRate.objects.create(
        currency="USD", month=dt.date(2026, 10, 1), rate=Decimal("7.12345678")
    )
    path = write(
        tmp_path, "customer,date,amount,currency\nC1,2026-10-03,1.00,usd\nC1,2026-10-03,10.00,CNY\n"
    )

    ledger_import(actor=director, path=path)

    assert sorted(
        LedgerLine.objects.values_list("currency", "amount_cents", "original_amount_cents")
    ) == [("CNY", 1000, 1000), ("USD", 712, 100)]


def test_a_currency_without_a_rate_for_the_month_rejects_the_line(tmp_path, director) -> None:
    path = write(tmp_path, "customer,date,amount,currency\nC1,2026-10-03,1.00,EUR\n")
    result = ledger_import(actor=director, path=path)
    assert [e.reason for e in result.errors] == ["no exchange rate for this currency and month"]


def test_dry_run_counts_and_changes_nothing(tmp_path, director) -> None:
    path = write(tmp_path, "customer,date,amount\nNEW1,2026-10-03,100\n")
    result = ledger_import(actor=director, path=path, dry_run=True)
    assert (result.status, result.lines_added, result.accounts_created) == ("dry_run", 1, ["NEW1"])
    assert ledger_state() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00" * 100, "binary"),
        (b"customer,date,amount\n", "no rows"),
        (b"foo,bar\n1,2\n", "no column for"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_reason(
    tmp_path, director, content, message
) -> None:
    path = tmp_path / "hostile.csv"
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message):
        ledger_import(actor=director, path=path)
    assert ledger_state() == (0, 0, 0, 0)


def test_a_huge_single_line_is_refused(tmp_path, director) -> None:
    path = tmp_path / "line.csv"
    with path.open("wb") as handle:
        handle.write(b"customer,date,amount\nC1,2026-10-03,")
        handle.write(b"9" * (100 << 20))
    with pytest.raises(FileRejected, match="longer than"):
        ledger_import(actor=director, path=path)
    assert ledger_state() == (0, 0, 0, 0)


def test_a_hundred_thousand_bad_rows_are_all_reported(tmp_path, director) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("customer,date,amount\n" + "C1,2026-10-03,x\n" * 100_000)

    result = ledger_import(actor=director, path=path)

    assert (result.status, result.error_count, len(result.errors)) == ("rejected", 100_000, 100_000)
    assert ledger_state() == (0, 0, 0, 0)


def test_undo_removes_the_lines_and_the_aggregates_follow(tmp_path, director, manager) -> None:
    first = ledger_import(
        actor=director, path=write(tmp_path, HEADER + "C1,2026-10-03,100,INV1,1,P,\n", "a.csv")
    )
    ledger_import(
        actor=director, path=write(tmp_path, HEADER + "C1,2026-10-05,50,INV2,1,P,\n", "b.csv")
    )
    batch = ImportBatch.objects.get(pk=first.batch_id)
    with pytest.raises(PermissionDenied):
        batch_undo(actor=manager, batch=batch)

    batch_undo(actor=director, batch=batch)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNDONE
    assert MonthlyAggregate.objects.get().revenue_cents == 5000
    assert batch.history.first().history_user == director


def test_a_short_cp1252_file_with_umlauts_is_not_read_as_chinese(tmp_path, director) -> None:
    path = write(
        tmp_path,
        "customer;date;amount;name\nNEW-9;24.11.2026;99,00;Müller Teile\n",
        encoding="cp1252",
    )
    ledger_import(actor=director, path=path)
    assert Account.objects.get(code="NEW-9").name == "Müller Teile"


def test_an_xlsx_export_with_real_dates_and_numbers(tmp_path, director) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["客户编码", "开票日期", "金额", "发票号", "行号"])
    sheet.append(["X1", dt.datetime(2026, 10, 3), 1234.5, "F1", 1])  # noqa: DTZ001 - Excel is naive
    sheet.append(["X1", dt.date(2026, 11, 4), -20, "F2", 1])
    path = tmp_path / "export.xlsx"
    workbook.save(path)

    result = ledger_import(actor=director, path=path)

    assert result.status == "imported"
    assert sorted(LedgerLine.objects.values_list("date", "amount_cents")) == [
        (dt.date(2026, 10, 3), 123450),
        (dt.date(2026, 11, 4), -2000),
    ]


def test_a_parquet_export(tmp_path, director) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "customer": ["P1", "P1"],
            "date": pa.array([dt.date(2026, 10, 3), dt.date(2026, 10, 4)]),
            "amount": pa.array([Decimal("10.25"), Decimal("-1.00")], pa.decimal128(12, 2)),
            "document": ["D1", "D2"],
            "line": [1, 1],
        }
    )
    path = tmp_path / "export.parquet"
    pq.write_table(table, path)

    result = ledger_import(actor=director, path=path)

    assert result.lines_added == 2
    assert sum(LedgerLine.objects.values_list("amount_cents", flat=True)) == 925


def test_every_value_of_a_line_is_stored_exactly_through_the_bulk_path(tmp_path, director) -> None:
    # Given text a CSV must quote (quotes, commas; a line break is refused in a ledger text,
    # as every control character in a code or name is), quantities with four
    # places, an empty cost and a product
    AccountFactory(code="C1")
    path = tmp_path / "ledger.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "customer",
                "date",
                "amount",
                "document",
                "line",
                "product",
                "category",
                "quantity",
                "cost",
            ]
        )
        writer.writerow(
            [
                "C1",
                "2026-10-03",
                "1234.56",
                "INV 1",
                "1",
                'Pump "XL", 5"',
                "Pumps, large; 50\u00a0Hz",
                "2.5",
                "",
            ]
        )
        writer.writerow(["C1", "2026-10-04", "-7.00", "", "", "", "", "-1.2345", "3.10"])

    # When it is imported
    result = ledger_import(actor=director, path=path)

    # Then every value reads back as written
    assert result.lines_added == 2
    lines = list(
        LedgerLine.objects.order_by("date").values_list(
            "date",
            "month",
            "document",
            "line",
            "product",
            "category",
            "quantity",
            "amount_cents",
            "cost_cents",
            "currency",
            "original_amount_cents",
        )
    )
    assert lines == [
        (
            dt.date(2026, 10, 3),
            dt.date(2026, 10, 1),
            "INV 1",
            "1",
            'Pump "XL", 5"',
            "Pumps, large; 50\u00a0Hz",
            Decimal("2.5"),
            123456,
            None,
            "CNY",
            123456,
        ),
        (
            dt.date(2026, 10, 4),
            dt.date(2026, 10, 1),
            "",
            "",
            "",
            "",
            Decimal("-1.2345"),
            -700,
            310,
            "CNY",
            -700,
        ),
    ]


def test_dates_outside_1900_to_2999_reject_the_file(tmp_path, director) -> None:
    # Given a line dated in year 1 (a typo an ERP export can carry) and one in 3000
    path = write(
        tmp_path,
        "customer,date,amount\nC1,2026-10-03,1\nC1,0001-10-03,1\nC1,3000-01-01,1\n",
    )

    # When it is imported
    result = ledger_import(actor=director, path=path)

    # Then the file is rejected naming both rows, and nothing changed
    assert result.status == "rejected"
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "date", "outside the years 1900–2999"),
        (4, "date", "outside the years 1900–2999"),
    ]
    assert ledger_state() == (0, 0, 0, 0)


def test_a_prospect_that_buys_becomes_a_customer_in_its_history(tmp_path, director) -> None:
    # Given a prospect
    prospect = AccountFactory(code="P1", status=AccountStatus.PROSPECT)

    # When its first purchase is imported
    ledger_import(actor=director, path=write(tmp_path, "customer,date,amount\nP1,2026-10-03,9\n"))

    # Then it is a customer, and its history says who made it one
    latest = prospect.history.order_by("-history_id").first()
    assert (latest.status, latest.history_type, latest.history_user) == (
        AccountStatus.CUSTOMER,
        "~",
        director,
    )
    assert Account.objects.get(pk=prospect.pk).status == AccountStatus.CUSTOMER


def test_a_new_customers_name_comes_from_its_rows(tmp_path, director) -> None:
    path = write(
        tmp_path,
        "customer,customer name,date,amount\nN1,,2026-10-03,1\nn1,Northwind,2026-10-04,1\n",
    )
    result = ledger_import(actor=director, path=path)
    assert result.accounts_created == ["N1"]
    assert Account.objects.get(code="N1").name == "Northwind"


def test_deleting_an_account_takes_its_lines_and_aggregates_with_it(tmp_path, director) -> None:
    # Given two customers with lines (the ledger tables carry no database foreign key)
    AccountFactory(code="C1")
    AccountFactory(code="C2")
    ledger_import(
        actor=director,
        path=write(tmp_path, "customer,date,amount\nC1,2026-10-03,5\nC2,2026-10-03,7\n"),
    )

    # When one is deleted
    account_delete(actor=director, account=Account.objects.get(code="C1"))

    # Then its lines and totals went with it, and the other's stayed
    assert list(LedgerLine.objects.values_list("account__code", flat=True)) == ["C2"]
    assert list(MonthlyAggregate.objects.values_list("account__code", flat=True)) == ["C2"]


def test_an_account_deleted_during_the_import_rejects_it(tmp_path, director) -> None:
    # Given an import whose account disappears after its lines were written
    account = AccountFactory(code="C1")

    def delete_meanwhile(rows: int) -> None:
        Account.objects.filter(pk=account.pk)._raw_delete(Account.objects.db)

    # When it finishes
    with pytest.raises(FileRejected, match="deleted during the import"):
        ledger_import(
            actor=director,
            path=write(tmp_path, "customer,date,amount\nC1,2026-10-03,5\n"),
            progress=delete_meanwhile,
        )

    # Then nothing of it stays; the deletion, another's write made while the file was being
    # staged (no lock held), stands
    assert ledger_state() == (0, 0, 0, 0)


def test_lock_accounts_counts_only_the_accounts_that_exist() -> None:
    accounts = AccountFactory.create_batch(3)
    assert lock_accounts([a.pk for a in accounts] + [10**9]) == 3


def test_a_line_repeated_within_a_file_is_added_once(tmp_path, director) -> None:
    # Given an export that lists invoice INV1 line 1 twice
    AccountFactory(code="C1")
    path = write(
        tmp_path, HEADER + "C1,2026-10-03,5,INV1,1,Pumps,\nC1,2026-10-03,5,INV1,1,Pumps,\n"
    )

    # When it is imported
    result = ledger_import(actor=director, path=path)

    # Then the line is there once, and the summary says one was already present
    assert (result.lines_added, result.lines_skipped) == (1, 1)
    assert LedgerLine.objects.count() == 1


def test_a_nul_character_deep_in_the_file_rejects_its_row(tmp_path, director) -> None:
    # Given an export whose first megabyte is clean (the binary check reads only that much)
    # and a later cell with a NUL character, which no database text column may hold
    clean = "".join(f"C1,2026-10-03,1,INV{n},1,Pumps,\n" for n in range(40_000))
    path = write(tmp_path, HEADER + clean + "C1,2026-10-03,1,BAD\x001,1,Pumps,\n")

    # When it is imported
    result = ledger_import(actor=director, path=path)

    # Then that row is named and nothing was imported
    assert result.status == "rejected"
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (40_002, "document", "contains a NUL character")
    ]
    assert ledger_state() == (0, 0, 0, 0)
