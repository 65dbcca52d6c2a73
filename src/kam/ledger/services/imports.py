"""A ledger file imported whole or not at all, once (DOMAIN §2; the ledger import rules).

An import runs in two steps. Read, validate and stage: the loader fills a stage outside the
ledger (kam.ledger.store.LineStage) and writes nothing else, so the pages, the API and the
worker keep writing meanwhile. Merge: the batch, the new prospects, the lines and the monthly
aggregates. On PostgreSQL that is one transaction (other sessions' writes do not wait for
it). On SQLite, whose write lock excludes every other writer, the lines move in slices of a
transaction each under a batch still MERGING, which no reader sees (kam.ledger.merging), and
one short last transaction adds the prospects and aggregates and makes the batch DONE: as
users see it, the import is still whole or nothing. A file with a bad row never reaches the
merge; a merge that fails deletes what it moved, and the stage goes with the import.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.services import prospects_become_customers, prospects_create
from kam.core.history import save_as
from kam.importing.mapping import match_columns
from kam.importing.messages import gettext_noop
from kam.importing.reading import NO_ROWS, FileRejected, sniff
from kam.importing.results import ProgressCallback, RowError
from kam.importing.values import ColumnError
from kam.ledger.importing import LEDGER_FIELDS, LEDGER_REQUIRED
from kam.ledger.merging import batch_discard, import_batches_remove_abandoned, merging_owner
from kam.ledger.models import BatchStatus, ImportBatch, ImportKind
from kam.ledger.services.loader import LedgerLoader
from kam.ledger.signals import ledger_changed
from kam.ledger.store import (
    SQLITE_MERGE_PAUSE,
    SQLITE_MERGE_SLICE,
    LineStage,
    accounts_with_revenue,
    bulk_load,
    line_stage,
    lock_accounts,
    refresh_aggregates,
)
from kam.org.models import User
from kam.org.permissions import require_write

logger = logging.getLogger(__name__)
CHANGED_DURING_IMPORT = gettext_noop(
    "an account this file refers to was deleted during the import; import it again"
)
CREATED_DURING_IMPORT = gettext_noop(
    "an account this file would create was created during the import; import it again"
)
ANOTHER_MERGING = gettext_noop(
    "another import was being merged into the ledger for too long; import this file again"
)
IMPORTED_MEANWHILE = gettext_noop(
    "this file was imported by someone else during this import; nothing was added"
)
# How long a merge waits for another to finish (one runs at a time, kam.ledger.merging).
MERGE_WAIT_SECONDS = 600.0
MERGE_POLL_SECONDS = 0.5
# Called between staging and merging (tests pause an import there); None in production.
MergeHook = Callable[[], None]


@dataclass
class ImportResult:
    status: str  # imported | rejected | duplicate | dry_run
    file_name: str
    rows_read: int = 0
    lines_added: int = 0
    lines_skipped: int = 0
    accounts_created: list[str] = field(default_factory=list)
    total_rows_skipped: list[int] = field(default_factory=list)  # their row numbers
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    message: str = ""
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in {"imported", "duplicate", "dry_run"}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ledger_import(
    *,
    actor: User | None,
    path: Path,
    file_name: str | None = None,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    create_accounts: bool = True,
    skip_total_rows: bool = False,
    progress: ProgressCallback | None = None,
    before_merge: MergeHook | None = None,
    after_slice: MergeHook | None = None,
) -> ImportResult:
    """Import a ledger file whole or not at all (DOMAIN §2; the ledger import rules).

    The same file twice adds nothing; lines keyed by document and line number are added once.
    `before_merge` runs once the file is staged, before the merge takes the write lock;
    `after_slice` after each slice of a SQLite merge has committed.
    Raises FileRejected when the file as a whole cannot be read, or when an account it
    refers to changed while it was staged.
    """
    if actor is not None:
        require_write(actor)
    name = file_name or path.name
    digest = file_sha256(path)
    holder = ImportBatch.objects.filter(
        file_sha256=digest, kind=ImportKind.LEDGER, status=BatchStatus.DONE
    ).first()
    if holder is not None:
        return ImportResult(
            "duplicate",
            name,
            batch_id=holder.pk,
            message=_("this file is already imported as batch %(batch)s") % {"batch": holder.pk},
        )
    source = sniff(path, delimiter=delimiter, encoding=encoding)
    columns = dict(match_columns(source.header, LEDGER_FIELDS, LEDGER_REQUIRED, mapping).columns)
    result = ImportResult("imported", name)
    with bulk_load(), line_stage() as stage:
        loader = LedgerLoader(
            actor=actor,
            source=source,
            stage=stage,
            create_accounts=create_accounts,
            date_format=date_format,
            progress=progress,
            skip_total_rows=skip_total_rows,
        )
        try:
            loader.run(columns)
        except ColumnError as error:
            raise FileRejected(gettext_noop("date: %(reason)s"), reason=error) from error
        result.rows_read = loader.rows_read
        result.errors, result.error_count = loader.errors, loader.error_count
        result.total_rows_skipped = loader.total_rows_skipped
        if loader.rows_read == 0:
            raise FileRejected(NO_ROWS)
        if loader.error_count:
            result.status = "rejected"
            result.message = _("%(count)s bad value(s); nothing was imported") % {
                "count": loader.error_count
            }
            return result
        started = time.perf_counter()
        stage.summarise()
        loader.timings["stage"] += time.perf_counter() - started
        if before_merge is not None:
            before_merge()
        started = time.perf_counter()
        batch = ImportBatch(
            kind=ImportKind.LEDGER,
            file_name=name[:255],
            file_sha256=digest,
            file_size=path.stat().st_size,
            created_by=actor,
        )
        if stage.sqlite:
            _merge_in_slices(loader, stage, batch, result, dry_run=dry_run, after_slice=after_slice)
        else:
            # PostgreSQL: one transaction; other sessions' writes do not wait for its lines.
            with transaction.atomic():
                batch.save()
                _merge(loader, stage, batch, result)
                if dry_run:
                    result.status, result.batch_id = "dry_run", None
                    transaction.set_rollback(True)
        # Commits included: how long the import held write locks, in all.
        loader.timings["transaction"] = time.perf_counter() - started
    logger.debug(
        "ledger import profile (s): %s",
        ", ".join(f"{step} {seconds:.2f}" for step, seconds in loader.timings.items()),
    )
    return result


def _merge_in_slices(
    loader: LedgerLoader,
    stage: LineStage,
    batch: ImportBatch,
    result: ImportResult,
    *,
    dry_run: bool,
    after_slice: MergeHook | None,
) -> None:
    """SQLite: the stage goes into the ledger a slice per transaction under a MERGING batch
    no reader sees, so that the write lock is held for one slice at a time and other writers
    go on between them; one last short transaction makes the batch DONE with its prospects
    and aggregates. A merge that fails, or a dry run, deletes its lines and batch again."""
    _begin_merging(batch)
    try:
        held: list[float] = []  # each slice's transaction, commit included

        def in_slices(count: int, write: Callable[[int], int | None]) -> int:
            """Run `write(after)` for each slice of `count` staged rows, a transaction each
            and a pause after it (the lock is free then: a waiting writer takes it)."""
            total = 0
            for after in range(0, count, SQLITE_MERGE_SLICE):
                started = time.perf_counter()
                with transaction.atomic():
                    total += write(after) or 0
                held.append(time.perf_counter() - started)
                time.sleep(SQLITE_MERGE_PAUSE)
                if after_slice is not None:
                    after_slice()
            return total

        lines_added = in_slices(
            stage.lines,
            lambda after: stage.merge_slice(
                batch_id=batch.pk, after=after, rows=SQLITE_MERGE_SLICE
            ),
        )
        # Every line new: the stage's totals of groups the ledger had none for go in ahead,
        # unseen like the lines; the known ones are recomputed at the end (a dry run needs
        # only the count of new lines).
        if lines_added == stage.lines and not dry_run:
            stage.note_known_groups()
            in_slices(
                stage.groups,
                lambda after: stage.aggregate_slice(
                    batch_id=batch.pk, after=after, rows=SQLITE_MERGE_SLICE
                ),
            )
        slices, longest = sum(held), max(held, default=0.0)
        loader.timings["slices"] = slices
        if dry_run:
            result.status, result.lines_added = "dry_run", lines_added
            result.lines_skipped = loader.lines_offered - lines_added
            result.accounts_created = sorted(code for code, _n in loader.new_accounts.values())
            result.message = _summary(result)
        else:
            started = time.perf_counter()
            with transaction.atomic():
                batch.status = BatchStatus.DONE
                ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE)
                _merge(loader, stage, batch, result, lines_merged=lines_added)
            loader.timings["final"] = time.perf_counter() - started
        # The longest any one transaction held the write lock: what another writer may wait.
        loader.timings["lock_longest"] = max(longest, loader.timings.get("final", 0.0))
    except BaseException:
        try:
            batch_discard(batch.pk)
        except DatabaseError:
            # The connection is gone or the store refuses: the sweep removes it later.
            logger.exception("could not remove the lines of failed import batch %s", batch.pk)
        raise
    if dry_run:
        batch_discard(batch.pk)


def _begin_merging(batch: ImportBatch) -> None:
    """Save `batch` as MERGING once no other merge runs (see kam.ledger.merging), removing
    any a stopped import left; a file imported meanwhile by another is a duplicate."""
    deadline = time.monotonic() + MERGE_WAIT_SECONDS
    batch.status = BatchStatus.MERGING
    batch.summary = {"merging": merging_owner()}
    while True:
        import_batches_remove_abandoned()
        with transaction.atomic():
            if not ImportBatch.objects.filter(status=BatchStatus.MERGING).exists():
                if ImportBatch.objects.filter(
                    file_sha256=batch.file_sha256, kind=ImportKind.LEDGER, status=BatchStatus.DONE
                ).exists():
                    raise FileRejected(IMPORTED_MEANWHILE)
                batch.save()
                return
        if time.monotonic() > deadline:
            raise FileRejected(ANOTHER_MERGING)
        time.sleep(MERGE_POLL_SECONDS)


def _create_prospects(loader: LedgerLoader) -> dict[int, int]:
    """The file's new customers created as prospects; placeholder id → account id."""
    if not loader.new_accounts:
        return {}
    new = list(loader.new_accounts.values())
    if Account.objects.filter(code__in=[code for code, _name in new]).exists():
        raise FileRejected(CREATED_DURING_IMPORT)
    created = prospects_create(actor=loader.actor, new=new)
    return {placeholder: created[code] for placeholder, (code, _n) in loader.new_accounts.items()}


def _merge(
    loader: LedgerLoader,
    stage: LineStage,
    batch: ImportBatch,
    result: ImportResult,
    *,
    lines_merged: int | None = None,
) -> None:
    """The import's making visible: prospects, lines (or, `lines_merged` already moved in
    slices, their new accounts' ids), aggregates and the batch, in the caller's transaction."""
    started = time.perf_counter()
    placeholders = _create_prospects(loader)
    touched = {placeholders.get(pk, pk) for pk in loader.touched}
    # After slices, too: an account deleted between two of them must stop the import.
    if lock_accounts(touched) != len(touched):
        raise FileRejected(CHANGED_DURING_IMPORT)
    if lines_merged is None:
        lines_added = stage.merge(batch_id=batch.pk, placeholders=placeholders)
    else:
        stage.place_accounts(batch_id=batch.pk, placeholders=placeholders)
        lines_added = lines_merged
    merged = time.perf_counter()
    loader.timings["merge"] = merged - started
    if lines_added == stage.lines:
        # Every line new: the stage's totals add up exactly (written ahead when sliced).
        if lines_merged is None:
            stage.add_aggregates()
        else:
            stage.recompute_known_groups()
    elif loader.first_month and loader.last_month:
        refresh_aggregates(
            touched,
            loader.first_month,
            loader.last_month,
            all_accounts=len(touched) > 2000,
        )
    totalled = time.perf_counter()
    loader.timings["aggregates"] = totalled - merged
    prospects_become_customers(account_ids=accounts_with_revenue(touched), actor=loader.actor)
    loader.timings["customers"] = time.perf_counter() - totalled
    created = {code for code, _name in loader.new_accounts.values()}
    result.lines_added = lines_added
    result.lines_skipped = loader.lines_offered - lines_added
    result.accounts_created = sorted(created)
    result.batch_id = batch.pk
    batch.rows_read = loader.rows_read
    batch.lines_added = result.lines_added
    batch.lines_skipped = result.lines_skipped
    batch.accounts_created = len(created)
    batch.summary = {
        "accounts_created": result.accounts_created[:1000],
        "encoding": loader.source.encoding,
        "delimiter": loader.source.delimiter,
        "format": loader.source.format,
    }
    save_as(loader.actor, batch)
    ledger_changed.send(sender=ImportBatch, batch=batch, reason="import")
    result.message = _summary(result)


def _summary(result: ImportResult) -> str:
    return _(
        "%(added)s line(s) added, %(skipped)s already present, %(created)s account(s) created"
    ) % {
        "added": result.lines_added,
        "skipped": result.lines_skipped,
        "created": len(result.accounts_created),
    }
