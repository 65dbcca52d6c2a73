"""A ledger file imported whole or not at all, once (DOMAIN §2; the ledger import rules)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.services import prospects_become_customers
from kam.core.history import save_as
from kam.importing.mapping import match_columns
from kam.importing.messages import gettext_noop
from kam.importing.reading import NO_ROWS, FileRejected, sniff
from kam.importing.results import ProgressCallback, RowError
from kam.importing.values import ColumnError
from kam.ledger.importing import LEDGER_FIELDS, LEDGER_REQUIRED
from kam.ledger.models import BatchStatus, ImportBatch, ImportKind
from kam.ledger.services.loader import LedgerLoader
from kam.ledger.signals import ledger_changed
from kam.ledger.store import (
    accounts_with_revenue,
    bulk_load,
    lock_accounts,
    refresh_aggregates,
)
from kam.org.models import User
from kam.org.permissions import require_write


@dataclass
class ImportResult:
    status: str  # imported | rejected | duplicate | dry_run
    file_name: str
    rows_read: int = 0
    lines_added: int = 0
    lines_skipped: int = 0
    accounts_created: list[str] = field(default_factory=list)
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
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import a ledger file whole or not at all (DOMAIN §2; the ledger import rules).

    The same file twice adds nothing; lines keyed by document and line number are added once.
    Raises FileRejected when the file as a whole cannot be read.
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
    with bulk_load(), transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportKind.LEDGER,
            file_name=name[:255],
            file_sha256=digest,
            file_size=path.stat().st_size,
            created_by=actor,
        )
        loader = LedgerLoader(
            actor=actor,
            source=source,
            batch=batch,
            create_accounts=create_accounts,
            date_format=date_format,
            progress=progress,
        )
        try:
            loader.run(columns)
        except ColumnError as error:
            raise FileRejected(gettext_noop("date: %(reason)s"), reason=error) from error
        result.rows_read = loader.rows_read
        result.errors, result.error_count = loader.errors, loader.error_count
        if loader.rows_read == 0:
            raise FileRejected(NO_ROWS)
        if loader.error_count:
            result.status = "rejected"
            result.message = _("%(count)s bad value(s); nothing was imported") % {
                "count": loader.error_count
            }
            transaction.set_rollback(True)
            return result
        _finish(loader, batch, result)
        if dry_run:
            result.status, result.batch_id = "dry_run", None
            transaction.set_rollback(True)
    return result


def _finish(loader: LedgerLoader, batch: ImportBatch, result: ImportResult) -> None:
    if lock_accounts(loader.touched) != len(loader.touched):
        raise FileRejected(
            gettext_noop(
                "an account this file refers to was deleted during the import; import it again"
            )
        )
    if loader.first_month and loader.last_month:
        refresh_aggregates(
            loader.touched,
            loader.first_month,
            loader.last_month,
            all_accounts=len(loader.touched) > 2000,
        )
    prospects_become_customers(
        account_ids=accounts_with_revenue(loader.touched), actor=loader.actor
    )
    result.lines_added = loader.lines_added
    result.lines_skipped = loader.lines_offered - loader.lines_added
    result.accounts_created = sorted(loader.created)
    result.batch_id = batch.pk
    batch.rows_read = loader.rows_read
    batch.lines_added = result.lines_added
    batch.lines_skipped = result.lines_skipped
    batch.accounts_created = len(loader.created)
    batch.summary = {
        "accounts_created": result.accounts_created[:1000],
        "encoding": loader.source.encoding,
        "delimiter": loader.source.delimiter,
        "format": loader.source.format,
    }
    save_as(loader.actor, batch)
    ledger_changed.send(sender=ImportBatch, batch=batch, reason="import")
    result.message = _(
        "%(added)s line(s) added, %(skipped)s already present, %(created)s account(s) created"
    ) % {
        "added": result.lines_added,
        "skipped": result.lines_skipped,
        "created": len(loader.created),
    }
