"""Reactions of the portfolio to other areas' events."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def score_when_ledger_changes(sender: object, reason: str = "import", **kwargs: Any) -> None:
    """Every import and undo re-scores the portfolio in the background (ARCHITECTURE data
    flow), once the change has committed."""
    from kam.portfolio.services.scoring import score_run_create

    transaction.on_commit(lambda: score_run_create(actor=None, reason=reason))


def score_when_inputs_change(
    sender: object, account: Any, cause: str, actor: Any = None, **kwargs: Any
) -> None:
    """A manager's input that moves a figure queues a re-score once it has committed
    (docs/rules.md "Inputs and re-scoring")."""
    from kam.portfolio.services.rescore import rescore_paused_now, rescore_request

    if rescore_paused_now():
        return
    transaction.on_commit(lambda: rescore_request(account=account, cause=cause, actor=actor))
