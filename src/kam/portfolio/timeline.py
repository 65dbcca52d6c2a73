"""The portfolio's entries in the account's change history (kam.accounts.timeline):
strategy overrides and the re-scores managers' inputs queued, with what moved."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.portfolio.account_presenter import rescore_change
from kam.portfolio.models import Strategy, StrategyOverride
from kam.portfolio.selectors import account_rescores


def _label(value: str) -> str:
    return str(Strategy(value).label) if value in Strategy.values else value or "—"


def _who(user: object) -> str:
    return getattr(user, "display_name", None) or _("system")


def portfolio_history(account: Account, limit: int) -> Iterable[HistoryEntry]:
    """Overrides set and withdrawn, and input re-scores with the figures they moved."""
    overrides = StrategyOverride.objects.filter(account=account).select_related("decided_by")
    for override in overrides.order_by("-decided_at")[:limit]:
        change = HistoryChange(
            _("strategy"), _label(override.recommended), _label(override.strategy)
        )
        yield HistoryEntry(
            override.decided_at,
            _who(override.decided_by),
            _("overrode the recommended strategy"),
            (change,),
            "override",
            override.reason,
        )
        if override.withdrawn_at is not None:
            withdrawal = (
                override.history.filter(withdrawn_at__isnull=False)
                .select_related("history_user")
                .order_by("history_date")
                .first()
            )
            yield HistoryEntry(
                override.withdrawn_at,
                _who(withdrawal.history_user if withdrawal else None),
                _("withdrew the override"),
                (HistoryChange(_("strategy"), _label(override.strategy), "—"),),
                "override",
            )
    for rescore in account_rescores(account=account)[:limit]:
        cause = rescore.get_cause_display()
        if rescore.finished_at is None:
            yield HistoryEntry(
                rescore.requested_at,
                _who(rescore.requested_by),
                _("queued a re-score after a change to the %(cause)s") % {"cause": cause},
                (),
                "rescore",
            )
            continue
        moved = tuple(HistoryChange(*row) for row in rescore_change(rescore.before, rescore.after))
        yield HistoryEntry(
            rescore.finished_at,
            _("system"),
            _("re-scored after %(who)s’s change to the %(cause)s")
            % {"who": _who(rescore.requested_by), "cause": cause},
            moved,
            "rescore",
            "" if moved else _("Nothing shown moved."),
        )
