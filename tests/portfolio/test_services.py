"""Settings, overrides, proposals, playbooks, cost to serve: who may, and the record
they leave (§2, §4, §6, §13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kam.accounts.models import KeyStatusChange
from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.portfolio.models import KeyProposalDecision, ScoreRun, StrategyOverride
from kam.portfolio.selectors import (
    account_strategy,
    key_proposals_pending,
    playbook_get,
    portfolio_settings,
)
from kam.portfolio.services.costs import cost_to_serve_add
from kam.portfolio.services.playbooks import playbook_update
from kam.portfolio.services.scoring import score_portfolio, score_run_create
from kam.portfolio.services.settings import settings_update
from kam.portfolio.services.strategy import (
    key_proposal_decide,
    strategy_override_set,
    strategy_override_withdraw,
)
from tests.factories import AccountFactory, PotentialEstimateFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 24)


def test_settings_change_is_validated_versioned_and_rescored(
    director, django_capture_on_commit_callbacks
) -> None:
    # When the director lowers the key-score threshold
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        settings_update(actor=director, key_score_threshold=Decimal("60"))

    # Then it is stored, in history with its author, and a re-score is queued
    current = portfolio_settings()
    assert current.key_score_threshold == Decimal("60")
    last = current.history.first()
    assert last.history_user == director
    assert ScoreRun.objects.filter(reason="settings").exists()
    assert callbacks  # the task is enqueued once the change commits


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contribution_medium": Decimal("20000000")}, "contribution_medium"),  # above high
        ({"band_c_low": Decimal("0.20")}, "band_c_low"),  # above band_c_high 0.15
        ({"pareto_revenue_share": Decimal("1.5")}, "pareto_revenue_share"),
        ({"currency": "yuan"}, "currency"),
        ({"no_such_setting": 1}, "no_such_setting"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(director, changes, field) -> None:
    before = portfolio_settings().history.count()
    with pytest.raises(InvalidInput) as error:
        settings_update(actor=director, **changes)
    assert error.value.errors[0].field == field
    assert portfolio_settings().history.count() == before


def test_only_director_or_admin_edits_settings(manager, executive) -> None:
    for actor in (manager, executive):
        with pytest.raises(PermissionDenied):
            settings_update(actor=actor, key_score_threshold=Decimal("50"))


def test_weights_cannot_all_be_zero(director) -> None:
    zero = {
        name: Decimal(0)
        for name in (
            "weight_contribution",
            "weight_potential",
            "weight_growth",
            "weight_margin",
            "weight_strategic_importance",
            "weight_technical_fit",
            "weight_credit_reputation",
        )
    }
    with pytest.raises(InvalidInput):
        settings_update(actor=director, **zero)


def test_an_override_keeps_who_why_and_the_recommendation(manager) -> None:
    # Given a scored account recommended wait-and-see
    account = AccountFactory(owner=manager)
    score_portfolio(dates=[AS_OF])

    # When its manager overrides it with a reason
    override = strategy_override_set(
        actor=manager, account=account, strategy="promotion", reason="New plant opening in 2027"
    )

    # Then the account's strategy is the override, and the recommendation is kept beside it
    assert (override.recommended, override.recommended_rule) == ("wait_and_see", "R5")
    shown = account_strategy(account=account)
    assert shown.strategy == "promotion" and shown.recommended == "wait_and_see"
    assert shown.tactics  # the promotion playbook

    # And withdrawing returns to the recommendation, keeping the record
    strategy_override_withdraw(actor=manager, account=account)
    assert account_strategy(account=account).strategy == "wait_and_see"
    assert StrategyOverride.objects.get(pk=override.pk).withdrawn_at is not None
    with pytest.raises(Conflict):
        strategy_override_withdraw(actor=manager, account=account)


def test_an_override_needs_a_reason_and_a_known_strategy(manager) -> None:
    account = AccountFactory(owner=manager)
    with pytest.raises(InvalidInput):
        strategy_override_set(actor=manager, account=account, strategy="promotion", reason="  ")
    with pytest.raises(InvalidInput):
        strategy_override_set(actor=manager, account=account, strategy="charm", reason="x")


def test_the_director_confirms_a_proposal_and_the_account_becomes_key(director, manager) -> None:
    # Given an account proposed by its score (top ratings, no ledger)
    account = AccountFactory(
        owner=manager, strategic_importance=5, technical_fit=5, credit_reputation=5
    )
    score_portfolio(dates=[AS_OF])
    assert list(key_proposals_pending(actor=director).values_list("account_id", flat=True)) == [
        account.pk
    ]

    # When the director confirms it with a reason
    decision = key_proposal_decide(
        actor=director, account=account, decision="confirmed", reason="Strategic partner"
    )

    # Then it is key, the key-status history has the reason, and nothing is pending
    account.refresh_from_db()
    assert account.is_key
    assert KeyStatusChange.objects.get(account=account).reason == "Strategic partner"
    assert decision.decided_by == director and decision.score == 100
    assert not key_proposals_pending(actor=director).exists()


def test_a_declined_proposal_keeps_its_reason_and_stays_decided(director, manager) -> None:
    account = AccountFactory(owner=manager, strategic_importance=5, credit_reputation=5)
    score_portfolio(dates=[AS_OF])
    key_proposal_decide(actor=director, account=account, decision="declined", reason="Reseller")
    account.refresh_from_db()
    assert not account.is_key
    assert KeyProposalDecision.objects.get(account=account).reason == "Reseller"
    assert not key_proposals_pending(actor=director).exists()


def test_managers_cannot_decide_proposals(manager) -> None:
    account = AccountFactory(owner=manager)
    score_portfolio(dates=[AS_OF])
    with pytest.raises(PermissionDenied):
        key_proposal_decide(actor=manager, account=account, decision="confirmed", reason="x")


def test_playbooks_are_edited_by_the_director_with_history(director, manager) -> None:
    playbook = playbook_get(strategy="retention")
    playbook_update(actor=director, playbook=playbook, tactics=["Quarterly business review", "SLA"])
    playbook = playbook_get(strategy="retention")
    assert [t.text for t in playbook.tactics.all()] == ["Quarterly business review", "SLA"]
    assert playbook.tactics.first().history.first().history_user == director
    with pytest.raises(PermissionDenied):
        playbook_update(actor=manager, playbook=playbook, tactics=["Mine"])
    with pytest.raises(InvalidInput):
        playbook_update(actor=director, playbook=playbook, tactics=["  "])


def test_people_cost_is_hours_times_rate(manager) -> None:
    account = AccountFactory(owner=manager)
    record = cost_to_serve_add(
        actor=manager,
        account=account,
        month=dt.date(2026, 10, 17),
        kind="people",
        hours=Decimal("12.5"),
        rate=Decimal("480"),
    )
    assert record.amount == Decimal("6000.00")
    assert record.month == dt.date(2026, 10, 1)
    with pytest.raises(InvalidInput):
        cost_to_serve_add(actor=manager, account=account, month=dt.date(2026, 10, 1), kind="travel")


def test_executives_record_no_cost(executive) -> None:
    with pytest.raises(PermissionDenied):
        cost_to_serve_add(
            actor=executive,
            account=AccountFactory(),
            month=dt.date(2026, 10, 1),
            kind="travel",
            amount=Decimal(1),
        )


def test_potential_estimate_ties_go_to_the_latest_entered(tmp_path, director) -> None:
    account = AccountFactory(code="TIE")
    PotentialEstimateFactory(account=account, amount=Decimal(100), estimated_on=dt.date(2026, 5, 1))
    PotentialEstimateFactory(account=account, amount=Decimal(300), estimated_on=dt.date(2026, 5, 1))
    PotentialEstimateFactory(
        account=account, amount=Decimal(999), estimated_on=dt.date(2026, 12, 1)
    )
    score_portfolio(dates=[AS_OF])
    row = account.snapshots.get(as_of=AS_OF, scope="entity")
    assert row.potential_estimate_cents == 30_000  # the December estimate is after the date
    assert row.potential_estimated_on == dt.date(2026, 5, 1)


def test_imports_in_a_row_queue_one_scoring_run() -> None:
    first = score_run_create(actor=None, reason="import")
    second = score_run_create(actor=None, reason="import")
    assert first.pk == second.pk
    assert ScoreRun.objects.count() == 1


def test_a_scoring_run_outside_the_calendar_is_refused(director) -> None:
    with pytest.raises(InvalidInput):
        score_run_create(actor=director, as_of=dt.date(1, 1, 1))
    assert not ScoreRun.objects.exists()
