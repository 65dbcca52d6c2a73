"""The portfolio's entries in the account's timeline (kam.accounts.timeline): strategy
overrides set and withdrawn, and the re-scores managers' inputs queued, with what moved.

Three streams, one query each whatever the account's history (the withdrawals' authors come
with their rows, through a subquery on the override's history)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, F, OuterRef, Subquery, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.accounts.timeline import Cursor, Kind, entry_key, keyset, wants, who
from kam.org.models import User
from kam.portfolio.account_presenter import rescore_change
from kam.portfolio.models import AccountRescore, RescoreCause, Strategy, StrategyOverride

KINDS = (
    Kind("override", gettext_lazy("override"), "⇄", "violet"),
    Kind("rescore", gettext_lazy("re-score"), "↻", "slate"),
)


def _label(value: str) -> str:
    return str(Strategy(value).label) if value in Strategy.values else value or "—"


def portfolio_history(
    account: Account, limit: int, kinds: set[str] | None = None, before: Cursor | None = None
) -> Iterable[HistoryEntry]:
    """Overrides set and withdrawn, and input re-scores with the figures they moved (§6)."""
    entries: list[HistoryEntry] = []
    if wants(kinds, "override"):
        overrides = StrategyOverride.objects.filter(account=account).select_related("decided_by")
        for override in keyset(overrides, "decided_at", "override_set", before)[:limit]:
            change = HistoryChange(
                _("strategy"), _label(override.recommended), _label(override.strategy)
            )
            entries.append(
                HistoryEntry(
                    override.decided_at,
                    who(override.decided_by),
                    _("overrode the recommended strategy"),
                    (change,),
                    "override",
                    override.reason,
                    key=entry_key("override_set", override.pk),
                )
            )
        withdrawer = (
            StrategyOverride.history.filter(id=OuterRef("pk"), withdrawn_at__isnull=False)
            .order_by("history_date")
            .values("history_user")[:1]
        )
        withdrawn = overrides.filter(withdrawn_at__isnull=False).annotate(
            withdrawn_by=Subquery(withdrawer)
        )
        rows = list(keyset(withdrawn, "withdrawn_at", "override_withdrawn", before)[:limit])
        ids = {row.withdrawn_by for row in rows if row.withdrawn_by}
        users = {user.pk: user for user in User.objects.filter(pk__in=ids)} if ids else {}
        for override in rows:
            entries.append(
                HistoryEntry(
                    override.withdrawn_at,
                    who(users.get(override.withdrawn_by)),
                    _("withdrew the override"),
                    (HistoryChange(_("strategy"), _label(override.strategy), "—"),),
                    "override",
                    key=entry_key("override_withdrawn", override.pk),
                )
            )
    if wants(kinds, "rescore"):
        rescores = AccountRescore.objects.filter(account=account).select_related("requested_by")
        dated = rescores.annotate(
            told_at=Case(
                When(finished_at__isnull=False, then=F("finished_at")), default=F("requested_at")
            )
        )
        causes = {value: str(label) for value, label in RescoreCause.choices}
        for rescore in keyset(dated, "told_at", "rescore", before)[:limit]:
            cause = causes.get(rescore.cause, rescore.cause)
            key = entry_key("rescore", rescore.pk)
            if rescore.finished_at is None:
                entries.append(
                    HistoryEntry(
                        rescore.requested_at,
                        who(rescore.requested_by),
                        _("queued a re-score after a change to the %(cause)s") % {"cause": cause},
                        (),
                        "rescore",
                        key=key,
                    )
                )
                continue
            moved = tuple(
                HistoryChange(*row) for row in rescore_change(rescore.before, rescore.after)
            )
            entries.append(
                HistoryEntry(
                    rescore.finished_at,
                    _("system"),
                    _("re-scored after %(who)s’s change to the %(cause)s")
                    % {"who": who(rescore.requested_by), "cause": cause},
                    moved,
                    "rescore",
                    "" if moved else _("Nothing shown moved."),
                    key=key,
                )
            )
    return entries
