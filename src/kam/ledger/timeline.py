"""The ledger's entries in the account's change history (kam.accounts.timeline): the
imports whose lines are the account's."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.ledger.models import ImportBatch, LedgerLine


def ledger_history(account: Account, limit: int) -> Iterable[HistoryEntry]:
    """Each import batch that brought lines of the account, with how many."""
    lines = LedgerLine.objects.filter(account_id=account.pk)
    batch_ids = lines.values_list("batch_id", flat=True).distinct()
    batches = (
        ImportBatch.objects.filter(pk__in=batch_ids)
        .select_related("created_by")
        .order_by("-created_at")[:limit]
    )
    counts = dict(
        lines.filter(batch_id__in=[b.pk for b in batches])
        .values("batch_id")
        .annotate(n=Count("pk"))
        .values_list("batch_id", "n")
    )
    for batch in batches:
        who = batch.created_by.display_name if batch.created_by else _("system")
        yield HistoryEntry(
            batch.created_at,
            who,
            _("imported %(file)s") % {"file": batch.file_name},
            (HistoryChange(_("ledger lines"), "—", str(counts.get(batch.pk, 0))),),
            "import",
        )
