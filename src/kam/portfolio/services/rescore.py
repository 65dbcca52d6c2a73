"""Re-scores queued by managers' inputs (docs/rules.md "Inputs and re-scoring", §2–§6).

Managers may not start a scoring run, but an input that moves a computed figure queues one.
The engine ranks percentiles over the whole portfolio, so the run re-scores every account and
group as of the newest date (the same figures a full run would give); each input records the
account's figures before and, when the run lands, after, for the account page's history.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from kam.accounts.models import Account
from kam.core.dates import today
from kam.org.models import User
from kam.portfolio.models import AccountRescore, RescoreCause, Scope, ScoreRun, Snapshot
from kam.portfolio.selectors import account_top_parent, latest_snapshot_date
from kam.portfolio.services.scoring import score_run_create

_paused: contextvars.ContextVar[bool] = contextvars.ContextVar("rescore_paused", default=False)


@contextlib.contextmanager
def rescore_paused() -> Iterator[None]:
    """Inputs written inside queue no re-score (the demo, which scores once at its end)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def rescore_paused_now() -> bool:
    return _paused.get()


def _figures(account: Account) -> dict[str, Any]:
    """The figures an input can move, as shown now: the entity's and its group's."""
    figures: dict[str, Any] = {}
    entity = Snapshot.objects.filter(account=account, scope=Scope.ENTITY).order_by("-as_of")
    group = Snapshot.objects.filter(
        account=account_top_parent(account), scope=Scope.GROUP
    ).order_by("-as_of")
    for prefix, snapshot in (("", entity.first()), ("group_", group.first())):
        if snapshot is None:
            continue
        figures.update(
            {
                f"{prefix}as_of": snapshot.as_of.isoformat(),
                f"{prefix}class": snapshot.account_class,
                f"{prefix}score": snapshot.score,
                f"{prefix}strategy": snapshot.strategy,
                f"{prefix}potential_cents": snapshot.potential_cents,
                f"{prefix}share_of_wallet": snapshot.share_of_wallet,
            }
        )
    return figures


def rescore_as_of() -> Any:
    """The date an input re-scores: today, or the newest scored date when it is later."""
    latest = latest_snapshot_date()
    return max(today(), latest) if latest else today()


@transaction.atomic
def rescore_request(*, account: Account, cause: str, actor: User | None) -> AccountRescore | None:
    """Queue the re-score an input on `account` calls for (one pending run at a time: a
    system run still waiting in the queue takes it) and record the figures shown now."""
    if rescore_paused_now() or cause not in RescoreCause.values:
        return None
    run = score_run_create(actor=None, as_of=rescore_as_of(), reason=f"input: {cause}")
    waiting = AccountRescore.objects.filter(account=account, run=run).first()
    if waiting is not None:
        return waiting
    return AccountRescore.objects.create(
        account=account,
        run=run,
        cause=cause,
        requested_by=actor if actor is not None and actor.pk else None,
        before=_figures(account),
    )


def rescores_finish(*, run: ScoreRun) -> int:
    """The run has landed: record each queued input's figures after it. Returns how many."""
    finished = 0
    for rescore in AccountRescore.objects.filter(run=run, finished_at__isnull=True).select_related(
        "account"
    ):
        rescore.after = _figures(rescore.account)
        rescore.finished_at = timezone.now()
        rescore.save(update_fields=["after", "finished_at"])
        finished += 1
    return finished
