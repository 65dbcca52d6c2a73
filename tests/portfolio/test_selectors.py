"""Portfolio reads the pages use: the Pareto ranking, migration dates, group figures."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.core.dates import today
from kam.core.errors import InvalidInput
from kam.portfolio.models import MonthlyHistory, Snapshot
from kam.portfolio.selectors import (
    MatrixRegion,
    PortfolioFilters,
    StoredDate,
    account_group_snapshot,
    class_migration,
    matrix_data,
    matrix_region,
    migration_default_start,
    monthly_class_history,
    overview,
    pareto_ranking,
    portfolio_page,
    stored_dates,
)
from kam.portfolio.selectors.dates import _json_grid
from kam.portfolio.services.scoring import score_portfolio
from tests.factories import AccountFactory, SnapshotFactory
from tests.portfolio.history import AS_OF as HISTORY_AS_OF
from tests.portfolio.history import PAST, company_with_history

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 10, 31)  # SnapshotFactory's date


def test_the_pareto_ranking_holds_only_the_visible_accounts(manager, other_manager) -> None:
    mine = SnapshotFactory(account__owner=manager, pareto_rank=1, pareto_candidate=True)
    SnapshotFactory(account__owner=other_manager, pareto_rank=2, contribution_cents=5)
    SnapshotFactory(account__owner=manager, contribution_cents=0)  # no rank: not counted

    ranking = pareto_ranking(actor=manager, filters=PortfolioFilters(), top=10)

    assert ranking.as_of == AS_OF
    assert [row.code for row in ranking.top] == [mine.account.code]
    assert (ranking.ranked, ranking.candidates) == (1, 1)
    assert ranking.candidate_cents == ranking.total_cents == mine.contribution_cents


def test_the_pareto_ranking_counts_all_but_lists_only_the_top(manager) -> None:
    for rank in range(1, 6):
        SnapshotFactory(account__owner=manager, pareto_rank=rank, contribution_cents=100 - rank)

    ranking = pareto_ranking(actor=manager, filters=PortfolioFilters(), top=2)

    assert [row.contribution_cents for row in ranking.top] == [99, 98]
    assert ranking.ranked == 5
    assert ranking.total_cents == 99 + 98 + 97 + 96 + 95


def test_the_matrix_draws_every_plotted_account_under_the_threshold(manager) -> None:
    shown = [SnapshotFactory(account__owner=manager, contribution_cents=c) for c in (10, 20)]
    SnapshotFactory(account__owner=manager, contribution_cents=0)  # off the log axes

    data = matrix_data(actor=manager, filters=PortfolioFilters())

    assert not data.dense
    assert [row.account_id for row in data.bubbles] == [shown[1].account_id, shown[0].account_id]
    assert (data.totals.plotted, data.totals.hidden) == (2, 1)


def test_past_the_threshold_the_matrix_draws_only_the_largest_as_bubbles(
    manager, other_manager, monkeypatch
) -> None:
    monkeypatch.setattr(overview, "MATRIX_DENSITY_FROM", 3)
    monkeypatch.setattr(overview, "MATRIX_BUBBLES", 2)
    rows = [SnapshotFactory(account__owner=manager, contribution_cents=c) for c in range(1, 6)]
    SnapshotFactory(account__owner=other_manager, contribution_cents=10**9)

    data = matrix_data(actor=manager, filters=PortfolioFilters())

    assert data.dense
    assert [row.account_id for row in data.bubbles] == [rows[4].account_id, rows[3].account_id]
    assert data.totals.plotted == len(rows)  # the other manager's account is not counted


def test_a_region_of_the_matrix_holds_only_visible_accounts_inside_it(
    manager, other_manager
) -> None:
    inside = [SnapshotFactory(account__owner=manager, contribution_cents=c) for c in (500, 600)]
    SnapshotFactory(account__owner=manager, contribution_cents=50)  # below the region
    SnapshotFactory(account__owner=other_manager, contribution_cents=550)  # not visible
    region = MatrixRegion(contribution_min=100, contribution_max=1000)

    as_of, count, rows = matrix_region(
        actor=manager, filters=PortfolioFilters(), region=region, limit=1
    )

    assert as_of == AS_OF
    assert count == 2
    assert [row.account_id for row in rows] == [inside[1].account_id]


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


def test_stored_matrix_totals_follow_a_new_scoring_run(director) -> None:
    # Given a director's matrix counted (and kept) for the date
    first = SnapshotFactory(account_class="A", contribution_cents=500)
    before = matrix_data(actor=director, filters=PortfolioFilters())
    assert before.totals.classes["A"] == (1, 500)

    # When a scoring run rewrites the date (new rows, a later computed_at)
    Snapshot.objects.filter(as_of=AS_OF).delete()
    SnapshotFactory(account=first.account, account_class="B", contribution_cents=700)
    after = matrix_data(actor=director, filters=PortfolioFilters())

    # Then the totals are the new run's, not the kept ones
    assert after.totals.classes["A"] == (0, 0)
    assert after.totals.classes["B"] == (1, 700)


def test_stored_matrix_totals_lose_a_deleted_account(director) -> None:
    gone = SnapshotFactory(contribution_cents=300)
    SnapshotFactory(contribution_cents=200)
    assert matrix_data(actor=director, filters=PortfolioFilters()).totals.plotted == 2

    gone.account.delete()  # its snapshots go with it, without a scoring run

    assert matrix_data(actor=director, filters=PortfolioFilters()).totals.plotted == 1


def test_a_managers_matrix_never_reads_the_totals_kept_for_every_account(
    director, manager, other_manager
) -> None:
    SnapshotFactory(account__owner=manager, account_class="C")
    SnapshotFactory(account__owner=other_manager, account_class="A", contribution_cents=9)
    everyone = matrix_data(actor=director, filters=PortfolioFilters())  # kept for the director

    mine = matrix_data(actor=manager, filters=PortfolioFilters())

    assert everyone.totals.plotted == 2
    assert mine.totals.plotted == 1
    assert mine.totals.classes["A"] == (0, 0)
    assert matrix_data(actor=director, filters=PortfolioFilters()).totals.plotted == 2


def test_filters_on_the_account_are_counted_not_kept(director) -> None:
    # An account's industry changes without a scoring run: a kept total would go stale.
    moving = SnapshotFactory(account__industry="steel")
    SnapshotFactory(account__industry="glass")
    steel = PortfolioFilters(industry="steel")
    assert matrix_data(actor=director, filters=steel).totals.plotted == 1

    moving.account.industry = "glass"
    moving.account.save()

    assert matrix_data(actor=director, filters=steel).totals.plotted == 0
    assert (
        matrix_data(actor=director, filters=PortfolioFilters(industry="glass")).totals.plotted == 2
    )


def test_stored_pareto_totals_follow_a_new_scoring_run(director) -> None:
    first = SnapshotFactory(pareto_rank=1, pareto_candidate=True, contribution_cents=90)
    assert pareto_ranking(actor=director, filters=PortfolioFilters(), top=5).total_cents == 90

    Snapshot.objects.filter(as_of=AS_OF).delete()
    SnapshotFactory(account=first.account, pareto_rank=1, contribution_cents=40)
    ranking = pareto_ranking(actor=director, filters=PortfolioFilters(), top=5)

    assert (ranking.ranked, ranking.candidates, ranking.total_cents) == (1, 0, 40)


def test_the_totals_kept_for_every_account_are_the_counted_ones(director, monkeypatch) -> None:
    # Given a portfolio past the density threshold, scored as kam scores it
    monkeypatch.setattr(overview, "MATRIX_DENSITY_FROM", 2)
    monkeypatch.setattr(overview, "MATRIX_BUBBLES", 1)
    for cents in (150, 2_000, 2_100, 75_000, 10**8):
        SnapshotFactory(contribution_cents=cents, potential_cents=cents * 3)
    SnapshotFactory(contribution_cents=0)

    # When the director reads it twice (the second from the kept totals)
    counted = matrix_data(actor=director, filters=PortfolioFilters())
    kept = matrix_data(actor=director, filters=PortfolioFilters())

    # Then both are the same, and the same as counting without the cache
    assert kept.totals == counted.totals == overview._matrix_totals(Snapshot.objects.all())
    assert (kept.totals.plotted, kept.totals.hidden, len(kept.bubbles)) == (5, 1, 1)


def test_the_dates_offer_every_month_end_of_the_history(tmp_path, director, manager) -> None:
    # Given a back-fill: month ends in the monthly history, the date itself in full
    company_with_history(tmp_path, director, manager)

    # When the pages ask which dates they can show
    dates = stored_dates()

    # Then every month end is there, newest first, and only the scored date is full
    assert dates[0] == StoredDate(HISTORY_AS_OF, True)
    assert StoredDate(PAST, False) in dates
    assert [d.day for d in dates] == sorted((d.day for d in dates), reverse=True)
    assert len([d for d in dates if not d.full]) == 22  # 2025-01 … 2026-10


def test_the_class_history_reads_every_account_as_stored(tmp_path, director, manager) -> None:
    # Given a back-fill of three accounts
    accounts = company_with_history(tmp_path, director, manager)

    # When the analytics read the monthly history at once
    history = monthly_class_history()

    # Then each account's row is as stored: one letter a month, amounts as lists
    assert history is not None
    stored = {row.account_id: row for row in MonthlyHistory.objects.filter(scope="entity")}
    assert history.account_ids == sorted(stored)
    for i, pk in enumerate(history.account_ids):
        row = stored[pk]
        assert len(history.classes[i]) == history.months == row.months
        assert history.classes[i] == row.classes and history.present[i] == row.present
        assert history.contribution[i].tolist() == row.contribution_cents
        assert history.potential[i].tolist() == row.potential_cents
    big = history.account_ids.index(accounts["BIG"].pk)
    assert history.contribution[big][-1] > history.contribution[big][0] > 0


def test_stored_amount_lists_become_one_grid_of_whole_cents() -> None:
    # Given the stored lists of three accounts: full, empty and too long, and one in floats
    texts = ["[1, 2, 3]", "[]", "[4,5,6,7]", "[7.0, 8.0, 9.0]"]

    # When they are read as one account × month grid of three months
    grid = _json_grid(texts, 3)

    # Then a short list ends in zeros, a long one is cut, and floats are read as cents
    assert grid.tolist() == [[1, 2, 3], [0, 0, 0], [4, 5, 6], [7, 8, 9]]
    assert _json_grid([], 3).shape == (0, 3)


def test_the_matrix_on_a_month_end_of_the_history(tmp_path, director, manager, other_manager):
    # Given a back-fill, and another manager's account
    accounts = company_with_history(tmp_path, director, manager)
    AccountFactory(owner=other_manager, code="THEIRS")

    # When the manager's matrix is drawn on a past month end
    data = matrix_data(actor=manager, filters=PortfolioFilters(as_of=PAST))

    # Then it is that month end's, from the history: no margin, the kept class and figures
    assert data.as_of == PAST and data.full is False
    bubbles = {b.code: b for b in data.bubbles}
    assert set(bubbles) == {"BIG", "MID", "SMALL"}
    big = bubbles["BIG"]
    assert big.contribution_cents == 12 * 1_100_000_00 and big.potential_cents == 60_000_000_00
    assert big.account_class == "C" and big.relative_rule is True
    assert big.contribution_level == "medium" and big.margin_cents is None
    assert big.potential_missing is None  # not kept
    assert bubbles["MID"].potential_cents == bubbles["MID"].contribution_cents
    assert data.totals.classes["C"][0] == 1
    # And a date between two month ends shows the month end before it
    assert (
        matrix_data(actor=manager, filters=PortfolioFilters(as_of=dt.date(2026, 7, 20))).as_of
        == PAST
    )
    # And the region and the table read the same rows
    _, count, rows = matrix_region(
        actor=manager,
        filters=PortfolioFilters(as_of=PAST),
        region=MatrixRegion(contribution_min=1_000_000_00),
        limit=10,
    )
    assert count == 2 and [r.account.code for r in rows] == ["BIG", "MID"]
    page = portfolio_page(actor=manager, filters=PortfolioFilters(as_of=PAST), page=None)
    assert [r.account_id for r in page.object_list] == [
        accounts["BIG"].pk,
        accounts["MID"].pk,
        accounts["SMALL"].pk,
    ]
    assert page.object_list[0].strategy == "promotion"


def test_the_pareto_ranking_on_a_month_end_of_the_history(tmp_path, director, manager) -> None:
    # Given a back-fill
    company_with_history(tmp_path, director, manager)

    # When the Pareto curve of a past month end is read
    ranking = pareto_ranking(actor=manager, filters=PortfolioFilters(as_of=PAST), top=10)

    # Then it is ranked again from the kept contribution: BIG and MID reach 80 % together,
    # cut to ceil(0.2 × 3) = 1 candidate
    assert ranking.full is False and ranking.as_of == PAST
    assert [r.code for r in ranking.top] == ["BIG", "MID", "SMALL"]
    assert ranking.ranked == 3 and ranking.candidates == 1
    assert ranking.candidate_cents == 12 * 1_100_000_00
    assert ranking.total_cents == 12 * (1_100_000 + 500_000 + 10_000) * 100


def test_a_month_end_of_the_history_refuses_filters_it_cannot_answer(
    tmp_path, director, manager
) -> None:
    company_with_history(tmp_path, director, manager)

    with pytest.raises(InvalidInput) as raised:
        matrix_data(actor=manager, filters=PortfolioFilters(as_of=PAST, is_key=True))

    assert [e.field for e in raised.value.errors] == ["is_key"]


def test_migration_names_the_accounts_behind_each_flow(tmp_path, director, manager) -> None:
    # Given a back-fill where BIG moved from A/B to C once its potential estimate came in
    company_with_history(tmp_path, director, manager)

    # When the migration from the first quarter to the past month end is read
    migration = class_migration(actor=manager, start=dt.date(2025, 3, 31), end=PAST)

    # Then each flow lists its accounts by code
    flows = {(a, b): [acc.code for acc in accounts] for a, b, _, accounts in migration.flows()}
    assert sum(len(codes) for codes in flows.values()) == 3
    assert all(n == len(migration.members[(a, b)]) for a, b, n, _ in migration.flows())
    assert ["BIG"] in flows.values()
