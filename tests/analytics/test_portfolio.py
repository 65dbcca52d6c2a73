"""The portfolio engine on arrays, no database (DOMAIN §2–§6)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from kam.analytics.portfolio import (
    ENTITY,
    GROUP,
    ClassCache,
    MigrationWatch,
    MonthlyHistoryBuilder,
    PortfolioInputs,
    Result,
    WindowSums,
    compute,
    entity_scope,
    group_scope,
    last_month_end,
    month_end,
    month_index,
    potential_age_months,
    scope_potential,
    top_parents,
)
from kam.analytics.rules import Rules

M = 100_000_000  # one million in cents
AS_OF = dt.date(2026, 11, 24)  # last month: October 2026
BASE = month_index(dt.date(2024, 11, 1))  # 24 columns: November 2024 – October 2026


def inputs(
    monthly: list[int],
    parent: list[int] | None = None,
    estimates: list[tuple[int, dt.date, int]] = (),  # type: ignore[assignment]
    width: int = 24,
) -> PortfolioInputs:
    """Accounts A0, A1, … each with the same revenue every month (cents), ratings unset."""
    n = len(monthly)
    revenue = np.repeat(np.array(monthly, dtype=np.int64)[:, None], width, axis=1)
    estimates = sorted(estimates, key=lambda e: (e[0], e[1]))
    return PortfolioInputs(
        account_ids=np.arange(1, n + 1, dtype=np.int64),
        codes=np.array([f"A{i}" for i in range(n)]),
        parent=np.array(parent or [-1] * n, dtype=np.int64),
        base=BASE,
        revenue=revenue,
        cost=np.zeros_like(revenue),
        costed_revenue=np.zeros_like(revenue),
        cost_to_serve=np.zeros_like(revenue),
        strategic_importance=np.full(n, np.nan),
        technical_fit=np.full(n, np.nan),
        credit_reputation=np.full(n, np.nan),
        is_key=np.zeros(n, dtype=bool),
        estimate_row=np.array([e[0] for e in estimates], dtype=np.int64),
        estimate_date=tuple(e[1] for e in estimates),
        estimate_cents=np.array([e[2] for e in estimates], dtype=np.int64),
    )


def test_months_count_as_the_calendar_does() -> None:
    assert month_index(dt.date(2026, 1, 9)) - month_index(dt.date(2025, 12, 31)) == 1
    assert month_end(month_index(dt.date(2024, 2, 1))) == dt.date(2024, 2, 29)
    assert month_end(month_index(dt.date(2026, 12, 5))) == dt.date(2026, 12, 31)
    assert last_month_end(dt.date(2026, 11, 24)) == dt.date(2026, 10, 31)
    assert last_month_end(dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)


def test_window_sums_take_trailing_months_and_count_outside_columns_as_zero() -> None:
    sums = WindowSums(np.array([[1, 2, 3, 4], [10, 20, 30, 40]], dtype=np.int64))
    np.testing.assert_array_equal(sums(3, 2), [7, 70])
    np.testing.assert_array_equal(sums(1, 12), [3, 30])  # starts before column 0
    np.testing.assert_array_equal(sums(9, 8), [7, 70])  # ends after the last column
    np.testing.assert_array_equal(sums(-1, 12), [0, 0])
    np.testing.assert_array_equal(sums(20, 3), [0, 0])


def test_potential_age_is_whole_months_and_a_half_for_a_part_month() -> None:
    estimated = [dt.date(2025, 11, 24), dt.date(2025, 11, 23), dt.date(2025, 11, 25)]
    ages = potential_age_months(
        np.array([month_index(d) for d in estimated], dtype=np.int64),
        np.array([d.day for d in estimated], dtype=np.int64),
        AS_OF,
    )
    np.testing.assert_array_equal(ages, [12.0, 12.5, 11.5])
    # The anniversary of the 31st is the month's last day.
    feb = potential_age_months(
        np.array([month_index(dt.date(2026, 1, 31))]), np.array([31]), dt.date(2026, 2, 28)
    )
    np.testing.assert_array_equal(feb, [1.0])


def test_top_parents_reach_the_top_at_any_depth_and_stop_on_a_cycle() -> None:
    #        0 ← 1 ← 2 ← 3 (three levels under 0), 4 alone, 5 ↔ 6 a cycle
    roots = top_parents(np.array([-1, 0, 1, 2, -1, 6, 5], dtype=np.int64))
    np.testing.assert_array_equal(roots[:5], [0, 0, 0, 0, 4])
    assert set(roots[5:].tolist()) <= {5, 6}


def test_group_scope_rolls_every_descendant_up_to_its_top_parent() -> None:
    data = inputs([1 * M, 2 * M, 4 * M, 8 * M, 16 * M], parent=[-1, 0, 1, 2, -1])

    groups = group_scope(data)

    assert groups.scope == GROUP
    np.testing.assert_array_equal(groups.account_ids, [1, 5])
    np.testing.assert_array_equal(groups.top_rows, [0, 4])
    np.testing.assert_array_equal(groups.members, [0, 0, 0, 0, 1])
    np.testing.assert_array_equal(groups.revenue_sums(23, 12), [15 * 12 * M, 16 * 12 * M])
    entities = entity_scope(data)
    assert entities.scope == ENTITY
    np.testing.assert_array_equal(entities.members, np.arange(5))


def test_latest_estimate_on_or_before_the_date_wins() -> None:
    data = inputs(
        [M, M],
        estimates=[
            (0, dt.date(2025, 6, 1), 5 * M),
            (0, dt.date(2026, 6, 1), 7 * M),
            (0, dt.date(2026, 12, 1), 9 * M),  # after the date: not yet
            (1, dt.date(2027, 1, 1), 3 * M),
        ],
    )

    amount, age, position = data.estimates_as_of(AS_OF)

    np.testing.assert_array_equal(amount, [7 * M, 0])
    assert age[0] == 5.5 and np.isnan(age[1])
    np.testing.assert_array_equal(position, [1, -1])
    assert data.estimate_dates(position) == [dt.date(2026, 6, 1), None]


def test_a_group_takes_its_parents_estimate_else_the_sum_of_its_members_effective_p() -> None:
    # Group 0 (parent 0 estimated), group 2 (parent 2 not estimated, member 3 estimated below
    # its own C, member 4 not estimated at all).
    data = inputs(
        [M, M, M, M, M],
        parent=[-1, 0, -1, 2, 2],
        estimates=[
            (0, dt.date(2026, 1, 10), 100 * M),
            (1, dt.date(2026, 1, 10), 50 * M),
            (3, dt.date(2025, 1, 10), 2 * M),
        ],
    )
    groups = group_scope(data)

    potential = scope_potential(data, groups, AS_OF)

    # Member C is 12 M: member 3's 2 M estimate counts as its C, member 4 and the parent as C.
    np.testing.assert_array_equal(potential.amount, [100 * M, 3 * 12 * M])
    assert potential.age[0] == 10.5 and potential.age[1] == 22.5  # the oldest member estimate
    np.testing.assert_array_equal(potential.position, [0, -1])


def test_compute_classifies_ranks_and_scores_every_row() -> None:
    # 12 M a year against a 40 M estimate: high and high; 1.2 M without one: low and low.
    data = inputs([M, M // 10, 0], estimates=[(0, dt.date(2026, 10, 1), 40 * M)])

    result = compute(data, entity_scope(data), AS_OF, Rules(), ClassCache())

    cols = result.columns
    assert (result.scope, result.as_of) == (ENTITY, AS_OF)
    np.testing.assert_array_equal(cols["contribution_cents"], [12 * M, 12 * M // 10, 0])
    np.testing.assert_array_equal(cols["account_class"], ["A", "D", "D"])
    np.testing.assert_array_equal(cols["potential_cents"], [40 * M, 12 * M // 10, 0])
    np.testing.assert_array_equal(cols["potential_missing"], [False, True, True])
    np.testing.assert_array_equal(result.nulls["potential_estimate_cents"], [False, True, True])
    np.testing.assert_array_equal(cols["active"], [True, True, False])
    assert cols["potential_estimated_on"] == [dt.date(2026, 10, 1), None, None]
    assert cols["pareto_rank"][0] == 1


def test_class_cache_keeps_each_scope_and_month_end_once() -> None:
    data = inputs([M])
    cache = ClassCache()
    scope = entity_scope(data)

    first = cache.at_month_end(data, scope, 23, Rules())
    again = cache.at_month_end(data, scope, 23, Rules(contribution_high_cents=10**15))

    assert first is again  # the second call read the cache, not the new thresholds
    np.testing.assert_array_equal(first, ["B"])
    other = cache.at_month_end(data, group_scope(data), 23, Rules(contribution_high_cents=10**15))
    np.testing.assert_array_equal(other, ["C"])  # a new key: the new thresholds count


def result_of(classes: list[str], as_of: dt.date) -> Result:
    # The watch also keeps the inputs a class drop's cause is told from (docs/rules.md "Alerts").
    n = len(classes)
    columns = {
        "account_class": np.array(classes),
        "contribution_cents": np.zeros(n, dtype=np.int64),
        "potential_estimate_cents": np.zeros(n, dtype=np.int64),
        "potential_missing": np.ones(n, dtype=bool),
    }
    return Result(ENTITY, as_of, columns, {})


def test_migration_watch_keeps_drops_until_the_account_is_back_up() -> None:
    watch = MigrationWatch(np.array(["A", "B", "", "C"]))

    watch.see(result_of(["C", "B", "A", "D"], dt.date(2026, 1, 31)))
    watch.see(result_of(["D", "D", "C", "D"], dt.date(2026, 2, 28)))
    watch.see(result_of(["D", "A", "C", "D"], dt.date(2026, 3, 31)))

    # A → C on 31 Jan stays; B → D on 28 Feb is over (back to A); A → C on 28 Feb for row 2.
    np.testing.assert_array_equal(watch.drops_since(dt.date(2025, 12, 31)), [1, 0, 1, 0])
    assert (watch.dropped_from[0], watch.dropped_to[0]) == ("A", "C")
    assert watch.dropped_date(0) == "2026-01-31"
    assert watch.dropped_date(2) == "2026-02-28"
    np.testing.assert_array_equal(watch.drops_since(dt.date(2026, 2, 1)), [0, 0, 1, 0])


def test_monthly_history_keeps_one_character_per_month_and_the_amounts() -> None:
    data = inputs([M, 0])
    scope = entity_scope(data)
    builder = MonthlyHistoryBuilder(scope, 2)
    cache = ClassCache()
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 31)):
        builder.add(compute(data, scope, day, Rules(), cache))

    history = builder.arrays()

    assert (history.scope, history.months) == (ENTITY, 2)
    assert history.classes.tolist() == ["BB", "DD"]
    assert history.present.tolist() == ["11", "00"]
    assert history.stages.tolist()[1] == "aa"
    np.testing.assert_array_equal(history.contribution, [[12 * M] * 2, [0, 0]])
    assert history.score.shape == (2, 2)


def test_monthly_history_of_no_month_ends_is_empty() -> None:
    history = MonthlyHistoryBuilder(entity_scope(inputs([M, 0])), 0).arrays()

    assert history.months == 0
    assert history.classes.tolist() == ["", ""]
    assert history.contribution.shape == (2, 0)
