"""One account's portfolio figures: snapshots, monthly history, strategy, costs (§2–§6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.core.months import month_end, month_index
from kam.portfolio.models import (
    AccountRescore,
    CostToServe,
    MonthlyHistory,
    Playbook,
    Scope,
    ScoreRunStatus,
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


class Governed(StrEnum):
    """Where the strategy that governs an account's work comes from (docs/rules.md "Groups
    and their entities")."""

    OWN = "own"  # a standalone account: its own recommendation
    OVERRIDE = "override"  # a manager's override on this account
    GROUP = "group"  # the group's recommendation (the account is in a group)
    GROUP_OVERRIDE = "group_override"  # the override on the group's top parent


def account_top_parent(account: Account) -> Account:
    """The account's top parent at any depth (itself when it has no parent) (§2 groups)."""
    top = account
    seen = {account.pk}
    while top.parent_id is not None and top.parent_id not in seen:
        seen.add(top.parent_id)
        top = Account.objects.only("pk", "code", "name", "parent_id").get(pk=top.parent_id)
    return top


def group_member_ids(top: Account) -> list[int]:
    """The top parent and all its descendants, at any depth (§2 groups)."""
    members, frontier = [top.pk], [top.pk]
    while frontier:
        frontier = list(
            Account.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=members)
            .values_list("pk", flat=True)
        )
        members += frontier
    return members


@dataclass(frozen=True)
class AccountStrategy:
    """What the account page and the API show of an account's strategy (§6): the entity's
    own recommendation, the group's when the account is in one, the overrides in force and
    the strategy that governs the work (docs/rules.md "Groups and their entities")."""

    snapshot: Snapshot | None
    override: StrategyOverride | None
    playbook: Playbook | None
    group_account: Account | None = None  # the top parent, when the account is in a group
    group_snapshot: Snapshot | None = None
    group_override: StrategyOverride | None = None  # on the top parent, for a member
    rescore_pending: bool = False  # filled in by account_strategy_with_pending

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
    def in_group(self) -> bool:
        return self.group_account is not None

    @property
    def baseline(self) -> str | None:
        """What governs without this account's own override: the group's strategy (its top
        parent's override, else the group's recommendation) or, standalone, its own."""
        if self.group_override is not None:
            return self.group_override.strategy
        if self.group_snapshot is not None:
            return self.group_snapshot.strategy
        return self.recommended

    @property
    def baseline_rule(self) -> str | None:
        if self.group_override is not None:
            return None
        if self.group_snapshot is not None:
            return self.group_snapshot.strategy_rule
        return self.rule

    @property
    def strategy(self) -> str | None:
        """The strategy that governs the account's work."""
        return self.override.strategy if self.override else self.baseline

    @property
    def governed_by(self) -> Governed | None:
        if self.override is not None:
            return Governed.OVERRIDE
        if self.group_override is not None:
            return Governed.GROUP_OVERRIDE
        if self.group_snapshot is not None:
            return Governed.GROUP
        return Governed.OWN if self.snapshot else None

    @property
    def entity_differs(self) -> bool:
        """The entity's own recommendation is not the strategy that governs it."""
        return self.recommended is not None and self.recommended != self.strategy

    @property
    def override_matches_recommendation(self) -> bool:
        """The override chooses what would govern anyway: it can be removed (§6)."""
        return self.override is not None and self.override.strategy == self.baseline

    @property
    def tactics(self) -> list[str]:
        return [t.text for t in self.playbook.tactics.all()] if self.playbook else []


def account_strategy(*, account: Account) -> AccountStrategy:
    """The account's strategies (§6) and which governs (docs/rules.md "Groups and their
    entities"): in a group the group's, unless the account's own override says otherwise."""
    snapshot = account_latest_snapshot(account=account)
    override = account_strategy_override(account=account)
    top = account_top_parent(account)
    group_account = group_snapshot = group_override = None
    if top.pk != account.pk or account.subsidiaries.exists():
        group_account = top
        group_snapshot = account_latest_snapshot(account=top, scope=Scope.GROUP)
        if top.pk != account.pk:
            group_override = account_strategy_override(account=top)
    found = AccountStrategy(snapshot, override, None, group_account, group_snapshot, group_override)
    chosen = found.strategy
    playbook = playbooks().filter(strategy=chosen).first() if chosen else None
    return AccountStrategy(
        snapshot, override, playbook, group_account, group_snapshot, group_override
    )


def account_strategy_with_pending(*, account: Account) -> AccountStrategy:
    """account_strategy, saying whether a re-score queued by an input is still to land."""
    found = account_strategy(account=account)
    pending = account_rescore_pending(account=account) is not None
    return replace(found, rescore_pending=pending)


def account_rescore_pending(*, account: Account) -> AccountRescore | None:
    """The re-score queued by an input on this account or another of its group that has not
    landed yet (queued or running), if any (docs/rules.md "Inputs and re-scoring")."""
    members = group_member_ids(account_top_parent(account))
    return (
        AccountRescore.objects.filter(
            account_id__in=members,
            finished_at__isnull=True,
            run__status__in=[ScoreRunStatus.QUEUED, ScoreRunStatus.RUNNING],
        )
        .select_related("run", "requested_by", "account")
        .order_by("requested_at", "id")
        .first()
    )


def account_rescore_failed(*, account: Account) -> AccountRescore | None:
    """The latest input re-score of this account whose run failed, if it has not landed."""
    return (
        account.rescores.filter(finished_at__isnull=True, run__status=ScoreRunStatus.FAILED)
        .select_related("run")
        .first()
    )


def account_rescores(*, account: Account) -> QuerySet[AccountRescore]:
    """The account's input re-scores, newest first, for its history."""
    return account.rescores.select_related("requested_by", "run")
