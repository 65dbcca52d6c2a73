"""Batches whose lines are still moving into the ledger (BatchStatus.MERGING, SQLite).

A SQLite import merges its stage in slices so that other writers get the write lock between
them; until its last short transaction turns the batch DONE, no reader sees its lines
(LedgerLine.objects) and no total counts them. One merge runs at a time: two merging
imports sharing a document and line would each skip the other's line, and the one that
failed would take it away from both. A merge that fails deletes its own lines; one whose
process died is removed by the next import or the stopped-workers sweep (kam.ops.workers).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from django.db import transaction
from django.utils.timezone import now as timezone_now

from kam.core.workers import _process_runs, current_worker_id, live_worker_ids
from kam.ledger.models import BatchStatus, ImportBatch
from kam.ledger.store import batch_rows_delete

logger = logging.getLogger(__name__)
# A merging batch of another machine (whose process cannot be asked) older than this is
# taken for abandoned: a 1M-line merge takes under a minute.
ABANDONED_AFTER = dt.timedelta(minutes=30)


def merging_owner() -> dict[str, object]:
    """Who merges, as recorded on the batch: the worker (if any), the host and the process."""
    return {"worker": current_worker_id(), "host": socket.gethostname(), "pid": os.getpid()}


def merge_is_live(batch: ImportBatch, *, live_workers: set[str], now: dt.datetime) -> bool:
    """Whether the process merging `batch` still runs: its worker beats, or (no worker) its
    process on this host is alive; of another host, only its age can tell."""
    owner = batch.summary.get("merging") or {}
    worker = owner.get("worker") or ""
    if worker:
        return worker in live_workers
    if owner.get("host") == socket.gethostname() and isinstance(owner.get("pid"), int):
        return _process_runs(owner["pid"])
    return now - batch.created_at < ABANDONED_AFTER


def batch_discard(batch_id: int) -> None:
    """Delete a merging batch: its lines and the totals it wrote ahead a slice at a time,
    then the batch (nothing of it was ever visible). One no longer merging is left alone."""
    if not ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.MERGING).exists():
        return
    batch_rows_delete(batch_id)
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.MERGING).delete()


def import_batches_remove_abandoned(now: dt.datetime | None = None) -> int:
    """Delete the batches left merging by a process that stopped (a killed import, a dead
    worker), lines and all; returns how many. Called by the next merge and by the sweep."""
    now = now or timezone_now()
    live_workers = live_worker_ids()
    merging = ImportBatch.objects.filter(status=BatchStatus.MERGING).only(
        "pk", "summary", "created_at"
    )
    abandoned = [
        batch.pk
        for batch in merging
        if not merge_is_live(batch, live_workers=live_workers, now=now)
    ]
    for batch_id in abandoned:
        batch_discard(batch_id)
    if abandoned:
        logger.warning(
            "removed %d import batch(es) left merging by a stopped import", len(abandoned)
        )
    return len(abandoned)
