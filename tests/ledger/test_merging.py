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
from django.utils.timezone import now as timezone_now

from kam.core.errors import Conflict
from kam.core.models import WorkerHeartbeat
from kam.ledger.merging import ABANDONED_AFTER, import_batches_remove_abandoned
from kam.ledger.models import BatchStatus, ImportBatch, LedgerLine, MonthlyAggregate
from kam.ledger.selectors import account_ledger_lines, account_sales, batches_visible_to
from kam.ledger.services import batch_undo, ledger_import
from kam.ops.workers import stopped_workers_sweep
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


def test_the_next_import_removes_a_batch_a_killed_import_left(
    tmp_path: Path, director: Any
) -> None:
    # Given a batch left merging by a process killed mid-merge, holding a line of the file
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL merges in one transaction: nothing is left merging")
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
