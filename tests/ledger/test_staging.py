"""An import stages its file outside the ledger and holds the write lock only to merge it
(kam.ledger.services.imports); the merge is all or nothing and keeps the aggregates exact."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from kam.accounts.models import Account
from kam.ledger.models import ImportBatch, LedgerLine, MonthlyAggregate
from kam.ledger.selectors import account_ledger_lines, account_sales, batches_visible_to
from kam.ledger.services import ledger_import
from kam.ledger.store import LineStage, refresh_aggregates
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "customer,date,amount,document,line,category,cost\n"
STAGE_TABLES = (
    "kam_ledger_stage",
    "kam_ledger_stage_accounts",
    "kam_ledger_stage_groups",
    "kam_ledger_stage_known",
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + text)
    return path


def stage_tables() -> list[str]:
    """The stage's tables still present on this connection."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
            return sorted(name for (name,) in cursor.fetchall() if name in STAGE_TABLES)
        found = []
        for name in STAGE_TABLES:
            cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{name}"])
            if cursor.fetchone()[0] is not None:
                found.append(name)
        return found


def write_from_another_connection(account_id: int, name: str) -> float:
    """Rename the account through the ORM on a thread of its own; seconds it took."""
    took: list[float] = []

    def rename() -> None:
        started = time.perf_counter()
        try:
            Account.objects.filter(pk=account_id).update(name=name)
            took.append(time.perf_counter() - started)
        finally:
            connections.close_all()

    thread = threading.Thread(target=rename)
    thread.start()
    thread.join(timeout=10)
    assert took, "the other connection's write did not finish"
    return took[0]


def test_staging_holds_no_write_lock_and_the_merge_follows(tmp_path: Path, director: Any) -> None:
    # Given a file for an account, paused once it is read, validated and staged
    account = AccountFactory(code="C1", name="Before")
    seconds: list[float] = []

    def meanwhile() -> None:
        seconds.append(write_from_another_connection(account.pk, "Renamed meanwhile"))

    # When another connection writes while the import waits to merge
    result = ledger_import(
        actor=director,
        path=write(tmp_path, "C1,2026-10-03,100,INV1,1,Pumps,60\nNEW1,2026-10-04,5,INV2,1,,\n"),
        before_merge=meanwhile,
    )

    # Then that write went through at once, and the import merged after it
    assert seconds[0] < 1.0
    assert Account.objects.get(pk=account.pk).name == "Renamed meanwhile"
    assert (result.status, result.lines_added, result.accounts_created) == (
        "imported",
        2,
        ["NEW1"],
    )
    assert LedgerLine.objects.filter(account__code="NEW1").count() == 1
    assert stage_tables() == []


def test_a_merge_that_fails_leaves_nothing_behind(
    tmp_path: Path, director: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a clean file with a new customer, whose merge fails after writing the lines
    AccountFactory(code="C1")

    def fail(self: LineStage) -> None:
        assert LedgerLine.objects.count() == 2  # the lines are in, inside the merge
        raise RuntimeError("disk full")

    monkeypatch.setattr(LineStage, "recompute_known_groups", fail)

    # When it is imported
    with pytest.raises(RuntimeError, match="disk full"):
        ledger_import(
            actor=director,
            path=write(tmp_path, "C1,2026-10-03,100,INV1,1,Pumps,60\nNEW1,2026-10-04,5,,,,\n"),
        )

    # Then no line, batch, total or prospect stays, and the stage is gone
    assert (
        LedgerLine._base_manager.count(),
        ImportBatch.objects.count(),
        MonthlyAggregate._base_manager.count(),
        Account.objects.filter(code="NEW1").exists(),
    ) == (0, 0, 0, False)
    assert stage_tables() == []


def test_a_rejected_file_leaves_no_stage(tmp_path: Path, director: Any) -> None:
    # Given a file with a bad amount
    AccountFactory(code="C1")

    # When it is imported
    result = ledger_import(actor=director, path=write(tmp_path, "C1,2026-10-03,abc,INV1,1,,\n"))

    # Then it is rejected, and neither lines nor the stage remain
    assert (result.status, LedgerLine.objects.count()) == ("rejected", 0)
    assert stage_tables() == []


def assert_totals_exact() -> None:
    """The stored totals are those recomputed from every line of the ledger."""
    columns = ("account_id", "month", "category", "revenue_cents", "cost_cents")
    columns += ("costed_revenue_cents", "lines", "orders")
    stored = sorted(MonthlyAggregate.objects.values_list(*columns))
    refresh_aggregates([], dt.date(1900, 1, 1), dt.date(2999, 12, 1), all_accounts=True)
    assert stored == sorted(MonthlyAggregate.objects.values_list(*columns))


SECOND = (
    "C1,2026-10-05,50,INV1,2,Pumps,30\n"
    "C1,2026-10-06,7,INV9,1,Pumps,\n"
    "C1,2026-10-07,3,,,Pumps,\n"
    "C2,2026-11-01,20,INV3,1,Valves,10\n"
    "NEW1,2026-11-02,9,INV4,1,,\n"
)


def test_merged_totals_equal_totals_recomputed_from_the_lines(
    tmp_path: Path, director: Any
) -> None:
    # Given a ledger with an order in October, and a file that adds a line to that order,
    # a new order in the same month, a month of its own and a new customer
    AccountFactory(code="C1")
    AccountFactory(code="C2")
    ledger_import(actor=director, path=write(tmp_path, "C1,2026-10-03,100,INV1,1,Pumps,60\n"))
    second = tmp_path / "second.csv"
    second.write_text(HEADER + SECOND)

    # When it is imported
    result = ledger_import(actor=director, path=second)

    # Then the totals are exact, INV1 counted as one order
    assert result.lines_added == 5
    assert_totals_exact()
    c1 = MonthlyAggregate.objects.get(account__code="C1", month=dt.date(2026, 10, 1))
    assert (c1.revenue_cents, c1.lines, c1.orders) == (16000, 4, 3)


def test_totals_stay_exact_when_some_staged_lines_were_already_there(
    tmp_path: Path, director: Any
) -> None:
    # Given a ledger holding part of a file
    AccountFactory(code="C1")
    AccountFactory(code="C2")
    ledger_import(actor=director, path=write(tmp_path, "C1,2026-10-05,50,INV1,2,Pumps,30\n"))
    second = tmp_path / "second.csv"
    second.write_text(HEADER + "C1,2026-10-03,100,INV1,1,Pumps,60\n" + SECOND)

    # When the whole file is imported
    result = ledger_import(actor=director, path=second)

    # Then the line already there is skipped and the totals are exact
    assert (result.lines_added, result.lines_skipped) == (5, 1)
    assert_totals_exact()


FIVE = (
    "C1,2026-10-03,100,INV1,1,Pumps,60\n"
    "C1,2026-10-04,50,INV1,2,Pumps,30\n"
    "C1,2026-11-05,7,INV2,1,Valves,\n"
    "NEW1,2026-11-06,9,INV3,1,,\n"
    "C1,2026-11-07,3,,,Valves,\n"
)


# PostgreSQL merges in one transaction: it has no slices, and no one waits for it.
@pytest.mark.sqlite_only
def test_a_sqlite_merge_lets_other_writers_in_between_its_slices(
    tmp_path: Path, director: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a five-line file merged two lines per transaction
    monkeypatch.setattr("kam.ledger.services.imports.SQLITE_MERGE_SLICE", 2)
    account = AccountFactory(code="C1", name="Before")
    seen: list[tuple[int, int, int, int, str]] = []
    seconds: list[float] = []

    def meanwhile() -> None:
        merged = LedgerLine._base_manager.count()
        totals = MonthlyAggregate._base_manager.count()
        seconds.append(write_from_another_connection(account.pk, f"Renamed {len(seconds)}"))
        visible = (LedgerLine.objects.count(), MonthlyAggregate.objects.count())
        seen.append((merged, totals, *visible, ImportBatch.objects.get().status))

    # When another connection writes after each slice
    result = ledger_import(actor=director, path=write(tmp_path, FIVE), after_slice=meanwhile)

    # Then every write went through at once while the lines, then the totals of its three
    # new groups, were moving in unseen; and the import ended whole with the last write kept
    assert seen == [
        (2, 0, 0, 0, "merging"),
        (4, 0, 0, 0, "merging"),
        (5, 0, 0, 0, "merging"),
        (5, 2, 0, 0, "merging"),
        (5, 3, 0, 0, "merging"),
    ]
    assert max(seconds) < 1.0
    assert (result.status, result.lines_added, result.accounts_created) == (
        "imported",
        5,
        ["NEW1"],
    )
    assert Account.objects.get(pk=account.pk).name == "Renamed 4"
    assert ImportBatch.objects.get().status == "done"
    assert LedgerLine.objects.filter(account__code="NEW1").count() == 1
    assert_totals_exact()


# PostgreSQL merges in one transaction: it has no slices, and no one waits for it.
@pytest.mark.sqlite_only
def test_a_merging_batch_is_invisible_to_every_reader(
    tmp_path: Path, director: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a ledger with one imported line, and a second file paused halfway in its merge
    monkeypatch.setattr("kam.ledger.services.imports.SQLITE_MERGE_SLICE", 2)
    account = AccountFactory(code="C1")
    first = tmp_path / "first.csv"
    first.write_text(HEADER + "C1,2026-09-03,10,INV0,1,Pumps,\n")
    ledger_import(actor=director, path=first)
    seen: list[tuple[object, ...]] = []

    def readers() -> None:
        sales = account_sales(account=account, as_of=dt.date(2026, 12, 31))
        seen.append(
            (
                list(account_ledger_lines(account=account).values_list("document", flat=True)),
                account.ledger_lines.count(),
                sum(sales.revenue),
                sales.last_purchase,
                MonthlyAggregate.objects.filter(month__gte=dt.date(2026, 10, 1)).count(),
                batches_visible_to(director).count(),
            )
        )
        # A recompute meanwhile (an undo, a repair) leaves the merging lines out too.
        refresh_aggregates([], dt.date(1900, 1, 1), dt.date(2999, 12, 1), all_accounts=True)

    # When every reader looks after each slice of its lines and of its totals
    result = ledger_import(actor=director, path=write(tmp_path, FIVE), after_slice=readers)

    # Then they see the first import alone; once merged, all of it, totals exact
    assert seen == [(["INV0"], 1, 1000, dt.date(2026, 9, 3), 0, 1)] * 5
    assert result.lines_added == 5
    assert account.ledger_lines.count() == 5
    assert_totals_exact()


# PostgreSQL merges in one transaction: it has no slices, and no one waits for it.
@pytest.mark.sqlite_only
def test_a_failure_between_slices_leaves_nothing_behind(
    tmp_path: Path, director: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a file with a new customer whose merge fails after its second slice
    monkeypatch.setattr("kam.ledger.services.imports.SQLITE_MERGE_SLICE", 2)
    monkeypatch.setattr("kam.ledger.store.DELETE_SLICE", 3)
    AccountFactory(code="C1")
    slices: list[int] = []

    def fail_second() -> None:
        slices.append(LedgerLine._base_manager.count())
        if len(slices) == 2:
            raise RuntimeError("killed")

    # When it is imported
    with pytest.raises(RuntimeError, match="killed"):
        ledger_import(actor=director, path=write(tmp_path, FIVE), after_slice=fail_second)

    # Then the lines it had moved, its batch and its prospect are gone, and no total changed
    assert slices == [2, 4]
    assert (
        LedgerLine._base_manager.count(),
        ImportBatch.objects.count(),
        MonthlyAggregate._base_manager.count(),
        Account.objects.filter(code="NEW1").exists(),
    ) == (0, 0, 0, False)
    assert stage_tables() == []


# PostgreSQL merges in one transaction: it has no slices, and no one waits for it.
@pytest.mark.sqlite_only
def test_a_dry_run_merged_in_slices_leaves_nothing(
    tmp_path: Path, director: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a file of which one line is already in the ledger
    monkeypatch.setattr("kam.ledger.services.imports.SQLITE_MERGE_SLICE", 2)
    AccountFactory(code="C1")
    ledger_import(actor=director, path=write(tmp_path, "C1,2026-10-03,100,INV1,1,Pumps,60\n"))
    again = tmp_path / "again.csv"
    again.write_text(HEADER + FIVE)

    # When it is checked in a dry run
    result = ledger_import(actor=director, path=again, dry_run=True)

    # Then it tells what it would add, and the ledger is as it was
    assert (result.status, result.lines_added, result.lines_skipped, result.batch_id) == (
        "dry_run",
        4,
        1,
        None,
    )
    assert result.accounts_created == ["NEW1"]
    assert (LedgerLine._base_manager.count(), ImportBatch.objects.count()) == (1, 1)
    assert not Account.objects.filter(code="NEW1").exists()
    assert_totals_exact()
