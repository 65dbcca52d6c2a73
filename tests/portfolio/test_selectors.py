"""Portfolio reads the pages use: the Pareto ranking, migration dates, group figures."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.core.dates import today
from kam.portfolio.selectors import (
    PortfolioFilters,
    account_group_snapshot,
    migration_default_start,
    pareto_ranking,
)
from kam.portfolio.services.scoring import score_portfolio
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_pareto_ranking_holds_only_the_visible_accounts(manager, other_manager) -> None:
    AccountFactory(owner=manager, code="MINE")
    AccountFactory(owner=other_manager, code="THEIRS")
    score_portfolio(dates=[today()])

    as_of, ranked = pareto_ranking(actor=manager, filters=PortfolioFilters())

    assert as_of == today()
    assert all(row.code == "MINE" for row in ranked)


def test_migration_starts_a_year_before_the_end_or_at_the_earliest_date() -> None:
    dates = [dt.date(2026, 12, 31), dt.date(2026, 6, 30), dt.date(2025, 12, 31)]
    assert migration_default_start(dates, dt.date(2026, 12, 31)) == dt.date(2025, 12, 31)
    assert migration_default_start(dates, dt.date(2026, 6, 30)) == dt.date(2025, 12, 31)
    leap = [dt.date(2024, 2, 29), dt.date(2023, 2, 28)]
    assert migration_default_start(leap, dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_group_figures_belong_to_parents_only(manager) -> None:
    parent = AccountFactory(owner=manager)
    AccountFactory(owner=manager, parent=parent)
    single = AccountFactory(owner=manager)
    score_portfolio(dates=[today()])

    group = account_group_snapshot(account=parent)

    assert group is not None and group.scope == "group"
    assert account_group_snapshot(account=single) is None
