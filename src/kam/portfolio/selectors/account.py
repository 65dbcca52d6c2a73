"""One account's portfolio figures: snapshots, monthly history, strategy, costs (§2–§6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.core.months import month_end, month_index
from kam.portfolio.models import (
    CostToServe,
    MonthlyHistory,
    Playbook,
    Scope,
    Snapshot,
    Strategy,
    StrategyOverride,
)


def account_snapshots(*, account: Account, scope: str = Scope.ENTITY) -> QuerySet[Snapshot]:
    return account.snapshots.filter(scope=scope).order_by("-as_of")


@dataclass(frozen=True)
class HistoryMonth:
    """One month end of an account's monthly history (§2 --history)."""

    as_of: dt.date
    account_class: str
    lifecycle: str
    strategy_rule: str
    contribution_cents: int
    potential_cents: int
    score: float | None


_STAGES = {stage[0]: stage for stage in ("acquisition", "growth", "maturity", "decline", "lost")}


def account_monthly_history(*, account: Account, scope: str = Scope.ENTITY) -> list[HistoryMonth]:
    """The account's month ends from the last back-fill, oldest first (empty without one)."""
    history = MonthlyHistory.objects.filter(account=account, scope=scope).first()
    if history is None:
        return []
    first = month_index(history.first_month_end)
    return [
        HistoryMonth(
            as_of=month_end(first + i),
            account_class=history.classes[i],
            lifecycle=_STAGES[history.stages[i]],
            strategy_rule=f"R{history.strategy_rules[i]}",
            contribution_cents=history.contribution_cents[i],
            potential_cents=history.potential_cents[i],
            score=history.score[i],
        )
        for i in range(history.months)
    ]


def account_latest_snapshot(*, account: Account, scope: str = Scope.ENTITY) -> Snapshot | None:
    return account_snapshots(account=account, scope=scope).first()


def account_group_snapshot(*, account: Account) -> Snapshot | None:
    """The latest group figures (§1) of a parent account; None for an account without
    subsidiaries."""
    if not account.subsidiaries.exists():
        return None
    return account_latest_snapshot(account=account, scope=Scope.GROUP)


def account_strategy_override(*, account: Account) -> StrategyOverride | None:
    """The manager's override in force, if any (§6)."""
    return (
        account.strategy_overrides.filter(withdrawn_at__isnull=True)
        .select_related("decided_by")
        .first()
    )


def playbooks() -> QuerySet[Playbook]:
    """The playbooks in S1's order: acquisition, promotion, retention, win-back, wait-and-see."""
    order = Case(
        *(When(strategy=value, then=Value(i)) for i, value in enumerate(Strategy.values)),
        output_field=IntegerField(),
    )
    return Playbook.objects.prefetch_related("tactics").order_by(order)


def playbook_get(*, strategy: str) -> Playbook:
    return get_object_or_404(playbooks(), strategy=strategy)


def account_costs_to_serve(*, account: Account) -> QuerySet[CostToServe]:
    return account.costs_to_serve.select_related("created_by").order_by("-month", "kind", "-id")


def cost_to_serve_get(*, account: Account, cost_id: int) -> CostToServe:
    return get_object_or_404(account.costs_to_serve, pk=cost_id)


@dataclass(frozen=True)
class AccountStrategy:
    """What the account page and the API show of an account's strategy (§6)."""

    snapshot: Snapshot | None
    override: StrategyOverride | None
    playbook: Playbook | None

    @property
    def as_of(self) -> dt.date | None:
        return self.snapshot.as_of if self.snapshot else None

    @property
    def recommended(self) -> str | None:
        return self.snapshot.strategy if self.snapshot else None

    @property
    def rule(self) -> str | None:
        return self.snapshot.strategy_rule if self.snapshot else None

    @property
    def strategy(self) -> str | None:
        return self.override.strategy if self.override else self.recommended

    @property
    def tactics(self) -> list[str]:
        return [t.text for t in self.playbook.tactics.all()] if self.playbook else []


def account_strategy(*, account: Account) -> AccountStrategy:
    snapshot = account_latest_snapshot(account=account)
    override = account_strategy_override(account=account)
    chosen = override.strategy if override else (snapshot.strategy if snapshot else None)
    playbook = playbooks().filter(strategy=chosen).first() if chosen else None
    return AccountStrategy(snapshot, override, playbook)
