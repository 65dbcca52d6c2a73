"""Batches left merging (kam.ledger.merging): removed, lines and all, once whoever merged
them stopped; kept while their import runs; never seen meanwhile."""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now as timezone_now

from kam.accounts.models import Account
from kam.core.errors import Conflict
from kam.core.models import WorkerHeartbeat
from kam.ledger.merging import ABANDONED_AFTER, import_batches_remove_abandoned
from kam.ledger.models import BatchStatus, ImportBatch, LedgerLine, MonthlyAggregate
from kam.ledger.selectors import (
    account_ledger_lines,
    account_month_arrays,
    account_sales,
    batches_visible_to,
    ledger_first_month,
)
from kam.ledger.services import batch_undo, ledger_import
from kam.ledger.store import accounts_with_revenue, refresh_aggregates
from kam.ops.workers import stopped_workers_sweep
from kam.portfolio.services.scoring import score_portfolio
from tests.factories import AccountFactory, ImportBatchFactory, LedgerLineFactory

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_PID = 2**22 + 1  # above Linux's pid_max: no process has it


def merging_batch(**owner: object) -> ImportBatch:
    """A batch with two lines still merging, as `owner` recorded it."""
    batch = ImportBatchFactory(status=BatchStatus.MERGING, summary={"merging": owner})
    account = AccountFactory(code=f"M{batch.pk}")
    for document in ("X1", "X2"):
        LedgerLineFactory(account=account, batch=batch, document=f"{document}-{batch.pk}")
    return batch


def test_lines_of_a_merging_batch_are_seen_by_no_reader(director: Any) -> None:
    # Given a batch of ours still merging, beside an imported one of the same account
    batch = merging_batch(worker="", host=socket.gethostname(), pid=os.getpid())
    account = LedgerLine._base_manager.filter(batch=batch).first().account
    LedgerLineFactory(account=account, document="D-done", amount_cents=500)

    # When the ledger is read
    sales = account_sales(account=account, as_of=dt.date(2026, 12, 31))

    # Then only the imported line counts, in lines, totals and batch lists; undo refuses it
    assert list(account_ledger_lines(account=account).values_list("document", flat=True)) == [
        "D-done"
    ]
    assert sum(sales.revenue) == 500
    assert MonthlyAggregate.objects.get(account=account).lines == 1
    assert batch.pk not in set(batches_visible_to(director).values_list("pk", flat=True))
    with pytest.raises(Conflict):
        batch_undo(actor=director, batch=batch)


def test_the_sweep_removes_batches_left_merging_by_a_stopped_import() -> None:
    # Given batches left merging by a dead worker, by a dead process here, and by another
    # machine long ago; and ones whose worker beats, of this process, and of another machine now
    beat_at = timezone_now()
    WorkerHeartbeat.objects.create(
        worker_id="alive",
        host=socket.gethostname(),
        pid=os.getpid(),
        started_at=beat_at,
        beat_at=beat_at,
    )
    here = socket.gethostname()
    gone = [
        merging_batch(worker="dead", host=here, pid=os.getpid()),
        merging_batch(worker="", host=here, pid=DEAD_PID),
        merging_batch(worker="", host="elsewhere", pid=1),
    ]
    ImportBatch.objects.filter(pk=gone[2].pk).update(
        created_at=timezone_now() - ABANDONED_AFTER - dt.timedelta(minutes=1)
    )
    kept = [
        merging_batch(worker="alive", host=here, pid=os.getpid()),
        merging_batch(worker="", host=here, pid=os.getpid()),
        merging_batch(worker="", host="elsewhere", pid=1),
    ]

    # When the stopped-workers sweep runs
    stopped_workers_sweep()

    # Then the abandoned ones are gone, lines and all, and the live ones stay
    remaining = set(ImportBatch.objects.values_list("pk", flat=True))
    assert remaining == {batch.pk for batch in kept}
    assert not LedgerLine._base_manager.filter(batch_id__in=[b.pk for b in gone]).exists()
    assert LedgerLine._base_manager.filter(batch_id__in=remaining).count() == 6
    assert import_batches_remove_abandoned() == 0


# PostgreSQL merges in one transaction: a killed import leaves nothing merging.
@pytest.mark.sqlite_only
def test_the_next_import_removes_a_batch_a_killed_import_left(
    tmp_path: Path, director: Any
) -> None:
    # Given a batch left merging by a process killed mid-merge, holding a line of the file
    batch = merging_batch(worker="", host=socket.gethostname(), pid=DEAD_PID)
    account = LedgerLine._base_manager.filter(batch=batch).first().account
    path = tmp_path / "ledger.csv"
    path.write_text(
        f"customer,date,amount,document,line\n{account.code},2026-10-03,5,X1-{batch.pk},1\n"
    )

    # When the file is imported again
    result = ledger_import(actor=director, path=path)

    # Then the leftover is gone and the line is added by this import, not skipped
    assert (result.status, result.lines_added, result.lines_skipped) == ("imported", 1, 0)
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    assert LedgerLine.objects.get().batch_id == result.batch_id


def _ledger_reads(account: Any, director: Any) -> dict[str, object]:
    """What every reader of the lines and totals returns for `account` and the ledger."""
    as_of = dt.date(2026, 12, 31)
    arrays = account_month_arrays(
        account_ids=list(Account.objects.order_by("pk").values_list("pk", flat=True)),
        since=dt.date(2026, 1, 1),
        until=as_of,
    )
    return {
        "lines": list(account_ledger_lines(account=account).values_list("document", flat=True)),
        "sales": account_sales(account=account, as_of=as_of),
        "first_month": ledger_first_month(),
        "arrays": (arrays.base, arrays.revenue.tolist(), arrays.cost.tolist()),
        "with_revenue": accounts_with_revenue(set(Account.objects.values_list("pk", flat=True))),
        "totals": sorted(
            MonthlyAggregate.objects.values_list("account_id", "month", "revenue_cents", "lines")
        ),
        "batches": sorted(batches_visible_to(director).values_list("pk", flat=True)),
    }


def _merging_rows(account: Any, newcomer: Any) -> ImportBatch:
    """A batch part way through its merge: a line of `account` in a month it has sales in,
    one in an earlier month, and totals written ahead for `newcomer` (kam.ledger.merging)."""
    batch = ImportBatchFactory(status=BatchStatus.MERGING, summary={"merging": {"pid": 1}})
    for document, day, cents in (
        ("M-1", dt.date(2026, 10, 20), 7_000),
        ("M-2", dt.date(2025, 3, 2), 9_000),
    ):
        LedgerLine._base_manager.create(
            account=account, batch=batch, date=day, month=day.replace(day=1), document=document,
            line="1", amount_cents=cents, currency="CNY", original_amount_cents=cents,
        )  # fmt: skip
    MonthlyAggregate._base_manager.create(
        account=newcomer, batch=batch, month=dt.date(2024, 1, 1), category="",
        revenue_cents=5_000, cost_cents=0, costed_revenue_cents=0, lines=1, orders=1,
    )  # fmt: skip
    return batch


def test_every_reader_of_the_ledger_reads_as_if_a_merging_batch_were_not_there(
    director: Any,
) -> None:
    # Given an account with imported sales, a new one without, and what every reader says
    account = AccountFactory(code="SEEN")
    newcomer = AccountFactory(code="NEW")
    LedgerLineFactory(account=account, document="D-1", amount_cents=500)
    before = _ledger_reads(account, director)

    # When a batch is part way through its merge (lines and totals written ahead), and the
    # totals are recomputed meanwhile (an undo, or an import of a few lines)
    batch = _merging_rows(account, newcomer)
    refresh_aggregates([account.pk, newcomer.pk], dt.date(2020, 1, 1), dt.date(2026, 12, 1))
    refresh_aggregates([], dt.date(2020, 1, 1), dt.date(2026, 12, 1), all_accounts=True)

    # Then every reader, ORM or raw SQL, says what it said before; the totals written ahead
    # survive the recomputes, to count once the batch is imported
    assert _ledger_reads(account, director) == before
    assert MonthlyAggregate._base_manager.filter(batch=batch).count() == 1


def _queries_reading(tables: tuple[str, ...], queries: list[dict[str, str]]) -> list[str]:
    return [query["sql"] for query in queries if any(table in query["sql"] for table in tables)]


def test_no_query_of_a_page_or_a_scoring_run_reads_rows_of_a_merging_batch(
    director: Any, client: Any
) -> None:
    # Given a batch part way through its merge beside imported sales
    account = AccountFactory(code="SEEN")
    newcomer = AccountFactory(code="NEW")
    LedgerLineFactory(account=account, document="D-1", amount_cents=500)
    _merging_rows(account, newcomer)
    client.force_login(director)

    # When the account's pages and API are read and the portfolio is scored
    with CaptureQueriesContext(connection) as captured:
        for url in (
            f"/accounts/{account.pk}/",
            f"/accounts/{account.pk}/ledger/sales/",
            f"/accounts/{account.pk}/ledger/lines/",
            "/imports/",
            f"/api/v1/accounts/{account.pk}/sales",
            f"/api/v1/accounts/{account.pk}/ledger-lines",
            "/api/v1/batches",
        ):
            assert client.get(url).status_code == 200, url
        score_portfolio(dates=[dt.date(2026, 10, 31)], raise_alerts=False)

    # Then every query that reads the ledger's lines or totals applies the hiding rule (a
    # new reader that forgot it, by raw SQL or a join from accounts, fails here)
    tables = ("ledger_ledgerline", "ledger_monthlyaggregate")
    reading = _queries_reading(tables, captured.captured_queries)
    assert reading, "the pages read no ledger rows: the test no longer tests anything"
    unfiltered = [sql for sql in reading if "merging" not in sql]
    assert unfiltered == []


def test_deleting_an_account_takes_its_rows_of_a_merging_batch_too(director: Any) -> None:
    # Given an account with imported sales and rows of a batch still merging
    account = AccountFactory(code="SEEN")
    newcomer = AccountFactory(code="NEW")
    LedgerLineFactory(account=account, document="D-1", amount_cents=500)
    batch = _merging_rows(account, newcomer)

    ids = [account.pk, newcomer.pk]
    assert LedgerLine._base_manager.filter(account_id__in=ids).count() == 3

    # When both accounts are deleted (cascades go through the base manager, not the hiding one)
    account.delete()
    newcomer.delete()

    # Then no line or total of theirs is left behind, hidden or not
    assert not LedgerLine._base_manager.filter(account_id__in=ids).exists()
    assert not MonthlyAggregate._base_manager.filter(account_id__in=ids).exists()
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
