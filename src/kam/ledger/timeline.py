"""The ledger's entries in the account's timeline (kam.accounts.timeline): the imports whose
lines are the account's, each with how many — two queries whatever the ledger's size."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.accounts.timeline import Cursor, Kind, entry_key, keyset, wants, who
from kam.ledger.models import ImportBatch, LedgerLine

KINDS = (Kind("import", gettext_lazy("import"), "⇪", "teal"),)


def ledger_history(
    account: Account, limit: int, kinds: set[str] | None = None, before: Cursor | None = None
) -> Iterable[HistoryEntry]:
    """Each import batch that brought lines of the account, with how many (§5)."""
    if not wants(kinds, "import"):
        return []
    lines = LedgerLine.objects.filter(account_id=account.pk)
    batch_ids = lines.values_list("batch_id", flat=True)
    batches = list(
        keyset(
            ImportBatch.objects.filter(pk__in=batch_ids).select_related("created_by"),
            "created_at",
            "import",
            before,
        )[:limit]
    )
    counts = dict(
        lines.filter(batch_id__in=[b.pk for b in batches])
        .values("batch_id")
        .annotate(n=Count("pk"))
        .values_list("batch_id", "n")
    )
    link = reverse("account_lines", args=[account.pk])
    return [
        HistoryEntry(
            batch.created_at,
            who(batch.created_by),
            _("imported %(file)s") % {"file": batch.file_name},
            (HistoryChange(_("ledger lines"), "—", str(counts.get(batch.pk, 0))),),
            "import",
            key=entry_key("import", batch.pk),
            link=link,
        )
        for batch in batches
    ]
