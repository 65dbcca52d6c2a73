"""The demo company's ledger generator: deterministic, Pareto-spread, with trajectories."""

from __future__ import annotations

import datetime as dt

import numpy as np

from kam.ledger.demo import DemoAccount, generate_lines, monthly_factors, pareto_revenues


def plan() -> list[DemoAccount]:
    return [
        DemoAccount("A", "stable", 12_000_000),
        DemoAccount("B", "churned", 2_000_000),
        DemoAccount("C", "drifting", 20_000_000),
        DemoAccount("D", "new", 1_000_000),
    ]


def test_the_same_seed_gives_the_same_ledger() -> None:
    first = generate_lines(plan(), dt.date(2026, 10, 1), 2, seed=3)
    second = generate_lines(plan(), dt.date(2026, 10, 1), 2, seed=3)
    assert first.equals(second)


def test_lines_fall_in_the_period_and_keep_document_line_keys_unique() -> None:
    table = generate_lines(plan(), dt.date(2026, 10, 1), 2, seed=3).to_pydict()
    assert min(table["date"]) >= dt.date(2024, 11, 1)
    assert max(table["date"]) <= dt.date(2026, 10, 31)
    keys = list(zip(table["document"], table["line"], strict=True))
    assert len(keys) == len(set(keys))


def test_a_churned_account_stops_buying_and_a_drifting_one_declines() -> None:
    rng = np.random.default_rng(1)
    churned = monthly_factors("churned", 36, rng)
    drifting = monthly_factors("drifting", 36, rng)
    assert churned[-6:].sum() == 0
    assert drifting[-1] < 0.3 * drifting[0]


def test_revenues_concentrate_in_a_few_accounts() -> None:
    revenues = pareto_revenues(np.random.default_rng(7), 1000)
    top_fifth = np.sort(revenues)[::-1][:200].sum()
    assert top_fifth / revenues.sum() > 0.6
