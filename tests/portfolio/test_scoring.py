"""The portfolio engine end to end: ledger → snapshot rows, entities and groups (§2–§6)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kam.accounts.models import Account
from kam.accounts.services import account_set_key_status, potential_estimate_add
from kam.alerts.models import Alert
from kam.analytics import portfolio as engine
from kam.ledger.services import ledger_import
from kam.portfolio.models import MonthlyHistory, Scope, ScoreRun, Snapshot
from kam.portfolio.rules import rules_from
from kam.portfolio.selectors import (
    class_migration,
    history_month_ends,
    migration_dates,
    portfolio_settings,
    stored_classes_before,
)
from kam.portfolio.services.costs import cost_to_serve_add
from kam.portfolio.services.scoring import (
    history_dates,
    load_inputs,
    score_history,
    score_portfolio,
)
from tests.factories import AccountFactory, CostToServeFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 24)  # last month: October 2026
HEADER = "customer,date,amount,document,line,cost\n"


def months_back(count: int, last: dt.date = dt.date(2026, 10, 1)) -> list[dt.date]:
    index = last.year * 12 + last.month - 1
    return [dt.date((index - k) // 12, (index - k) % 12 + 1, 15) for k in range(count)][::-1]


def load(tmp_path: Path, actor, rows: list[tuple[str, dt.date, str, str]]) -> None:
    """Import ledger rows (customer, date, amount, cost) through the real import."""
    text = HEADER + "".join(
        f"{code},{day.isoformat()},{amount},D{i},1,{cost}\n"
        for i, (code, day, amount, cost) in enumerate(rows)
    )
    path = tmp_path / f"ledger-{len(rows)}-{rows[0][0]}.csv"
    path.write_text(text)
    result = ledger_import(actor=actor, path=path)
    assert result.status == "imported", result.message


def entity(code: str, as_of: dt.date = AS_OF, scope: str = Scope.ENTITY) -> Snapshot:
    return Snapshot.objects.get(account__code=code, as_of=as_of, scope=scope)


def test_s1_example_ten_million_against_fifty_million_potential(tmp_path, director) -> None:
    # Given an account whose last 12 months sum exactly to 10,000,000.00 from odd invoice lines
    account = AccountFactory(code="S1")
    amounts = ["833333.33"] * 11 + ["833333.37"]
    load(
        tmp_path,
        director,
        [("S1", m, a, "") for m, a in zip(months_back(12), amounts, strict=True)],
    )
    potential_estimate_add(
        actor=director,
        account=account,
        amount=Decimal("50000000"),
        estimated_on=dt.date(2026, 6, 1),
    )

    # When the portfolio is scored
    score_portfolio(dates=[AS_OF])

    # Then it is medium contribution (the relative rule) and class C
    row = entity("S1")
    assert row.contribution_cents == 1_000_000_000
    assert row.share_of_wallet == pytest.approx(0.2)
    assert (row.contribution_level, row.potential_level, row.account_class) == (
        "medium",
        "high",
        "C",
    )
    assert row.relative_rule
    assert row.lifecycle == "maturity"  # 12 months of history, no trend
    assert (row.strategy, row.strategy_rule) == ("promotion", "R3")


def test_groups_roll_up_subsidiaries_to_any_depth(tmp_path, director) -> None:
    # Given a group: parent, a subsidiary and the subsidiary's own subsidiary
    parent = AccountFactory(code="G")
    child = AccountFactory(code="G-1", parent=parent)
    AccountFactory(code="G-1-1", parent=child)
    AccountFactory(code="SOLO")
    month = months_back(1)[0]
    load(
        tmp_path,
        director,
        [
            ("G", month, "1000000.00", "600000.00"),
            ("G-1", month, "4000000.00", ""),
            ("G-1-1", month, "6000000.00", "3000000.00"),
            ("SOLO", month, "100.00", ""),
        ],
    )
    potential_estimate_add(
        actor=director, account=child, amount=Decimal("20000000"), estimated_on=dt.date(2026, 9, 1)
    )

    score_portfolio(dates=[AS_OF])

    # Then the group row sums all three ledgers and margins over costed lines only
    group = entity("G", scope=Scope.GROUP)
    assert group.contribution_cents == 1_100_000_000
    assert group.margin_cents == (100_000_000 - 60_000_000) + (600_000_000 - 300_000_000)
    # No estimate on the parent: P is the members' effective P summed (1 M + 20 M + 6 M)
    assert group.potential_cents == 2_700_000_000
    assert group.account_class == "B"  # high C, medium P
    # Each member is also scored on its own, and a standalone account is its own group
    assert entity("G-1-1").contribution_cents == 600_000_000
    assert entity("SOLO", scope=Scope.GROUP).contribution_cents == 10_000
    assert not Snapshot.objects.filter(account__code="G-1", scope=Scope.GROUP).exists()

    # When the parent gets its own estimate, the group uses it
    potential_estimate_add(
        actor=director,
        account=parent,
        amount=Decimal("30000000"),
        estimated_on=dt.date(2026, 10, 1),
    )
    score_portfolio(dates=[AS_OF])
    assert entity("G", scope=Scope.GROUP).potential_cents == 3_000_000_000
    assert entity("G", scope=Scope.GROUP).account_class == "A"


def test_pareto_candidates_and_key_proposals_exclude_blocked_credit(tmp_path, director) -> None:
    # Given five active accounts; the biggest has credit 1 (blocked)
    for code, credit in (("A", 1), ("B", None), ("C", None), ("D", None), ("E", None)):
        AccountFactory(code=code, credit_reputation=credit)
    month = months_back(1)[0]
    load(
        tmp_path,
        director,
        [
            ("A", month, "900.00", ""),
            ("B", month, "50.00", ""),
            ("C", month, "30.00", ""),
            ("D", month, "10.00", ""),
            ("E", month, "10.00", ""),
        ],
    )

    score_portfolio(dates=[AS_OF])

    # Then only A is a Pareto candidate (90 % alone, cap ceil(0.2 × 5) = 1) but is not proposed
    a = entity("A")
    assert a.pareto_candidate and a.pareto_rank == 1
    assert a.cumulative_share == pytest.approx(0.9)
    assert not a.key_proposal
    assert not entity("B").pareto_candidate
    # D and E tie on C: their percentile ranks share the average rank
    assert entity("D").score_factors["contribution"] == entity("E").score_factors["contribution"]
    assert entity("D").score_factors["contribution"] == pytest.approx(0.125)


def test_history_backfills_month_ends_and_a_class_drop_raises_an_alert(tmp_path, director) -> None:
    # Given a key account buying 1.2 M a month for a year, then almost nothing
    account = AccountFactory(code="DRIFT", owner=None)
    rows = [("DRIFT", day, "1200000.00", "") for day in months_back(24)[:14]]
    rows += [("DRIFT", day, "1000.00", "") for day in months_back(10)]
    load(tmp_path, director, rows)
    potential_estimate_add(
        actor=director,
        account=account,
        amount=Decimal("15000000"),
        estimated_on=dt.date(2024, 1, 1),
    )
    account_set_key_status(actor=director, account=account, is_key=True, reason="big")

    # When the whole history is back-filled
    dates = history_dates(AS_OF)
    score_history(as_of=AS_OF)

    # Then every month end from the first ledger month is in the monthly history, and today
    # is a full snapshot
    assert dates[0] == dt.date(2024, 11, 30)
    assert dates[-2:] == [dt.date(2026, 10, 31), AS_OF]
    assert history_month_ends() == dates[-2::-1]
    series = MonthlyHistory.objects.get(account=account, scope=Scope.ENTITY)
    assert (series.first_month_end, series.months) == (dates[0], len(dates) - 1)
    october_2025 = dates.index(dt.date(2025, 10, 31))
    assert series.classes[october_2025] == "B"
    assert series.contribution_cents[october_2025] == 12 * 120_000_000
    assert series.strategy_rules[-1] == "2" and series.stages[-1] == "d"
    assert Snapshot.objects.filter(account=account, scope=Scope.ENTITY).count() == 1
    # And migration reads a month end of the history against today's snapshot
    assert migration_dates()[:2] == [AS_OF, dt.date(2026, 10, 31)]
    drift = class_migration(actor=director, start=dt.date(2025, 10, 31), end=AS_OF)
    assert drift.counts == {("B", "C"): 1}
    assert stored_classes_before(AS_OF) == {account.pk: series.classes[-1]}
    now = entity("DRIFT")
    assert now.account_class == "C"  # low C, medium P
    assert now.lifecycle == "decline"
    assert (now.strategy, now.strategy_rule) == ("win_back", "R2")
    # And the key account's alerts: class drop, stale potential, no manager
    kinds = set(Alert.objects.filter(account=account, is_open=True).values_list("kind", flat=True))
    assert kinds == {
        "class_drop",
        "potential_stale",
        "key_account_without_manager",
        "investment_out_of_band",  # nothing spent on a class C account: below its 5–15 % band
    }


def test_alerts_resolve_when_their_condition_clears(tmp_path, director, manager) -> None:
    account = AccountFactory(code="K", owner=None)
    load(tmp_path, director, [("K", months_back(1)[0], "100.00", "")])
    account_set_key_status(actor=director, account=account, is_key=True, reason="key")
    score_portfolio(dates=[AS_OF])
    alert = Alert.objects.get(account=account, kind="key_account_without_manager")

    Account.objects.filter(pk=account.pk).update(owner=manager)
    score_portfolio(dates=[AS_OF])

    alert.refresh_from_db()
    assert not alert.is_open and alert.resolved_at is not None
    # Raising again is idempotent: one open alert per account and kind
    assert (
        Alert.objects.filter(account=account, kind="potential_missing", is_open=True).count() == 1
    )


def test_investment_ratio_and_roi_from_cost_to_serve(tmp_path, director) -> None:
    account = AccountFactory(code="INV")
    load(
        tmp_path,
        director,
        [("INV", day, "100000.00", "80000.00") for day in months_back(12)],
    )
    # 40 h × 500 = 20,000 in people plus 16,000 travel: 36,000 on 1.2 M = 3 %
    cost_to_serve_add(
        actor=director,
        account=account,
        month=dt.date(2026, 5, 1),
        kind="people",
        hours=Decimal(40),
        rate=Decimal(500),
    )
    cost_to_serve_add(
        actor=director,
        account=account,
        month=dt.date(2026, 10, 1),
        kind="travel",
        amount=Decimal(16000),
    )
    # A cost outside the trailing 12 months does not count
    cost_to_serve_add(
        actor=director,
        account=account,
        month=dt.date(2025, 10, 1),
        kind="travel",
        amount=Decimal(99999),
    )

    score_portfolio(dates=[AS_OF])

    row = entity("INV")
    assert row.investment_cents == 3_600_000
    assert row.investment_ratio == pytest.approx(0.03)
    assert row.margin_cents == 24_000_000
    assert row.roi == pytest.approx((240_000 - 36_000) / 36_000)
    assert row.account_class == "D"
    assert row.investment_band == "above"  # D: 0–2 %


@pytest.mark.django_db(transaction=True)  # the worker runs its tasks on its own connection
def test_an_import_queues_a_scoring_run_that_the_worker_carries_out(
    tmp_path, director, django_capture_on_commit_callbacks
) -> None:
    AccountFactory(code="Q")
    with django_capture_on_commit_callbacks(execute=True):
        load(tmp_path, director, [("Q", months_back(1)[0], "10.00", "")])
    run = ScoreRun.objects.get(reason="import")

    call_command("worker", "--batch")

    run.refresh_from_db()
    assert run.status == "done" and run.dates_done == 1
    assert Snapshot.objects.filter(account__code="Q", as_of=run.as_of).exists()


def test_report_portfolio_as_csv_and_json(tmp_path, director, capsys) -> None:
    AccountFactory(code="EVIL", name="=HYPERLINK(1)")
    load(tmp_path, director, [("EVIL", months_back(1)[0], "10.00", "")])
    call_command("score", "--as-of", AS_OF.isoformat(), "--quiet")
    capsys.readouterr()

    call_command("report", "portfolio", "--as-of", AS_OF.isoformat(), "--format", "json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["as_of"] == AS_OF.isoformat()
    assert payload["accounts"][0]["contribution"] == "10.00"
    assert payload["accounts"][0]["class"] == "D"

    call_command("report", "portfolio", "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("code,name,class,potential,contribution,share_of_wallet")
    assert lines[1].startswith("EVIL,'=HYPERLINK(1),D,")


def test_report_without_a_snapshot_exits_2() -> None:
    with pytest.raises(CommandError) as error:
        call_command("report", "portfolio", "--as-of", "2020-01-01")
    assert error.value.returncode == 2


def test_score_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError) as error:
        call_command("score", "--as-of", "2026-02-30")
    assert error.value.returncode == 2


def test_score_refuses_a_date_beyond_the_calendar_it_can_step_through() -> None:
    with pytest.raises(CommandError) as error:
        call_command("score", "--as-of", "9999-12-31", "--quiet")
    assert error.value.returncode == 2
    assert not Snapshot.objects.exists()


def test_an_old_cost_record_does_not_widen_the_arrays(tmp_path, director) -> None:
    # Given a ledger of one recent month and a cost record from long before it
    account = AccountFactory(code="OLD")
    load(tmp_path, director, [("OLD", months_back(1)[0], "100.00", "")])
    CostToServeFactory(account=account, month=dt.date(1950, 1, 1), amount=Decimal(5))

    # When the ledger is read for scoring, then its months start at the window, not in 1950
    inputs = load_inputs(AS_OF, AS_OF, rules_from(portfolio_settings()))
    assert inputs.width < 100
    assert int(inputs.cost_to_serve.sum()) == 0


def test_the_engines_scopes_are_the_snapshot_scopes() -> None:
    assert (engine.ENTITY, engine.GROUP) == (Scope.ENTITY, Scope.GROUP)


def test_history_of_accounts_without_a_ledger_scores_the_date_alone() -> None:
    # Given accounts but no ledger line yet, when the history is back-filled
    account = AccountFactory(code="NEW")
    call_command("score", "--history", "--as-of", AS_OF.isoformat(), "--quiet")

    # Then the date is scored and the monthly history holds no month end
    assert entity("NEW").lifecycle == "acquisition"
    assert MonthlyHistory.objects.get(account=account, scope=Scope.ENTITY).months == 0
    assert history_month_ends() == []
