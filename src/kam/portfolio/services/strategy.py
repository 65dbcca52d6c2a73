"""Strategy overrides and key-account proposal decisions (§2, §6)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.services import account_set_key_status
from kam.core.errors import Conflict, InvalidInput, full_clean_or_raise
from kam.core.history import save_as
from kam.org.models import User
from kam.org.permissions import require_governing, require_write
from kam.portfolio.models import (
    KeyProposalDecision,
    ProposalDecision,
    Scope,
    Snapshot,
    Strategy,
    StrategyOverride,
)
from kam.portfolio.selectors import account_strategy, account_strategy_override


def _latest_entity_snapshot(account: Account) -> Snapshot | None:
    return account.snapshots.filter(scope=Scope.ENTITY).order_by("-as_of").first()


@transaction.atomic
def strategy_override_set(
    *, actor: User, account: Account, strategy: str, reason: str
) -> StrategyOverride:
    """A manager chooses a strategy over the recommendation, with a reason (§6); the override
    in force is withdrawn. Raises InvalidInput."""
    require_write(actor)
    if strategy not in Strategy.values:
        raise InvalidInput(_("Unknown strategy."), field="strategy")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give a reason for overriding the recommendation."), field="reason")
    current = account_strategy_override(account=account)
    if current is not None:
        current.withdrawn_at = timezone.now()
        save_as(actor, current, update_fields=["withdrawn_at"])
    # What the override departs from: the strategy that would govern without it (in a group,
    # the group's; docs/rules.md "Groups and their entities").
    governing = account_strategy(account=account)
    override = StrategyOverride(
        account=account,
        strategy=strategy,
        reason=reason,
        recommended=governing.baseline or "",
        recommended_rule=governing.baseline_rule or "",
        decided_by=actor,
    )
    full_clean_or_raise(override)
    save_as(actor, override)
    return override


@transaction.atomic
def strategy_override_withdraw(*, actor: User, account: Account) -> None:
    """Return to the recommended strategy (§6). Raises Conflict when none is overridden."""
    require_write(actor)
    current = account_strategy_override(account=account)
    if current is None:
        raise Conflict(
            _("This account follows the recommended strategy already."), field="strategy"
        )
    current.withdrawn_at = timezone.now()
    save_as(actor, current, update_fields=["withdrawn_at"])


@transaction.atomic
def key_proposal_decide(
    *, actor: User, account: Account, decision: str, reason: str
) -> KeyProposalDecision:
    """The director confirms or declines a key-account proposal, with the reason (§2).

    Confirming makes the account key (or, for a review proposal, keeps it); declining a
    review of a key account withdraws its key status. Raises PermissionDenied, InvalidInput
    and Conflict (the account has no snapshot yet).
    """
    require_governing(actor, _("decide on key-account proposals"))
    if decision not in ProposalDecision.values:
        raise InvalidInput(_("Decide with confirmed or declined."), field="decision")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give a reason for the decision."), field="reason")
    snapshot = _latest_entity_snapshot(account)
    if snapshot is None:
        raise Conflict(_("This account has not been scored yet."), field="account")
    record = KeyProposalDecision(
        account=account,
        as_of=snapshot.as_of,
        score=snapshot.score,
        pareto_candidate=snapshot.pareto_candidate,
        decision=decision,
        reason=reason,
        decided_by=actor,
    )
    full_clean_or_raise(record)
    save_as(actor, record)
    make_key = decision == ProposalDecision.CONFIRMED
    if snapshot.key_proposal and make_key != account.is_key:
        account_set_key_status(actor=actor, account=account, is_key=True, reason=reason)
    elif not snapshot.key_proposal and account.is_key and not make_key:
        account_set_key_status(actor=actor, account=account, is_key=False, reason=reason)
    return record
