"""Undoing an import batch: its lines go, its months' aggregates follow (DOMAIN §2)."""

from __future__ import annotations

from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _

from kam.core.errors import Conflict
from kam.core.history import save_as
from kam.ledger.models import BatchStatus, ImportBatch, LedgerLine
from kam.ledger.signals import ledger_changed
from kam.ledger.store import refresh_aggregates
from kam.org.models import User
from kam.org.permissions import require_governing


@transaction.atomic
def batch_undo(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Remove an import's lines; aggregates follow (director or admin)."""
    require_governing(actor, _("undo an import"))
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.UNDONE:
        raise Conflict(_("This import is already undone."), field="batch")
    if batch.status == BatchStatus.MERGING:
        raise Conflict(_("This import is not finished yet."), field="batch")
    lines = LedgerLine.objects.filter(batch=batch)
    touched = set(lines.values_list("account_id", flat=True).distinct())
    span = lines.order_by("month").values_list("month", flat=True)
    first, last = span.first(), lines.order_by("-month").values_list("month", flat=True).first()
    lines._raw_delete(lines.db)  # bulk: no per-line signals (lines have no history)
    if first and last:
        refresh_aggregates(touched, first, last, all_accounts=len(touched) > 2000)
    batch.status = BatchStatus.UNDONE
    batch.undone_at = timezone_now()
    batch.undone_by = actor
    save_as(actor, batch, update_fields=["status", "undone_at", "undone_by"])
    ledger_changed.send(sender=ImportBatch, batch=batch, reason="undo")
    return batch
