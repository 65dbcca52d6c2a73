"""The portfolio pages' chart data, built from rows without the database."""

from __future__ import annotations

import datetime as dt

import numpy as np

from kam.analytics.matrix import density_cells
from kam.portfolio.models import PortfolioSettings
from kam.portfolio.presenters import (
    PARETO_SHOWN,
    matrix_presentation,
    migration_chart,
    pareto_presentation,
    rule_reason,
    t_text,
)
from kam.portfolio.selectors import (
    DENSITY_CELLS_PER_DECADE,
    MatrixBubble,
    MatrixData,
    MatrixTotals,
    Migration,
    ParetoRanking,
    ParetoRow,
)

AS_OF = dt.date(2026, 10, 31)


def _row(code: str, klass: str, stage: str, contribution: int, potential: int) -> MatrixBubble:
    return MatrixBubble(
        account_id=int(code[1:]),
        code=code,
        name=f"Customer {code}",
        account_class=klass,
        lifecycle=stage,
        potential_cents=potential,
        contribution_cents=contribution,
        margin_cents=contribution // 4,
        share_of_wallet=contribution / potential if potential else None,
    )


def _data(rows: list[MatrixBubble], dense: bool = False, bubbles: int | None = None) -> MatrixData:
    """The matrix's input: every row counted in the totals (as `_matrix_totals` counts them);
    the plotted ones (or the first `bubbles`) as bubbles."""
    plotted = [r for r in rows if r.contribution_cents > 0 and r.potential_cents > 0]
    classes = {
        klass: (
            sum(1 for r in rows if r.account_class == klass),
            sum(r.contribution_cents for r in rows if r.account_class == klass),
        )
        for klass in "ABCD"
    }
    cells = density_cells(
        np.array([r.potential_cents / 100 for r in plotted]),
        np.array([r.contribution_cents / 100 for r in plotted]),
        per_decade=DENSITY_CELLS_PER_DECADE,
    )
    totals = MatrixTotals(classes, len(rows) - len(plotted), len(plotted), cells)
    return MatrixData(dt.date(2026, 10, 31), totals, plotted[:bubbles], dense)


def test_the_matrix_draws_a_series_per_stage_and_counts_every_class() -> None:
    rows = [
        _row("K1", "A", "maturity", 40_000_00, 80_000_00),
        _row("K2", "C", "growth", 1_000_00, 90_000_00),
        _row("K3", "D", "lost", 0, 5_000_00),  # no contribution: counted, not drawn
    ]

    matrix = matrix_presentation(_data(rows), PortfolioSettings(), "CNY")

    series = {s["name"]: s for s in matrix.chart["series"]}
    assert [p["code"] for p in series["Maturity"]["points"]] == ["K1"]
    assert series["Maturity"]["points"][0]["value"] == [80_000.0, 40_000.0]
    assert series["Maturity"]["points"][0]["url"] == "/accounts/1/"
    assert series["Lost"]["points"] == []
    assert matrix.hidden == 1
    assert [(klass, count, cents) for klass, _, count, cents in matrix.classes] == [
        ("A", 1, 40_000_00),
        ("B", 0, 0),
        ("C", 1, 1_000_00),
        ("D", 1, 0),
    ]
    assert matrix.chart["currency"] == "CNY"
    assert matrix.chart["density"] == []
    assert "region" not in matrix.chart  # under the threshold: no zoom, as before


def test_past_the_threshold_the_rest_is_density_counting_each_account_once() -> None:
    rows = [_row(f"K{i}", "C", "growth", 1_000_00 * (i + 1), 90_000_00 + i) for i in range(1, 51)]

    matrix = matrix_presentation(_data(rows, dense=True, bubbles=10), PortfolioSettings(), "CNY")

    drawn = [p["code"] for s in matrix.chart["series"] for p in s["points"]]
    assert len(drawn) == 10
    assert (matrix.bubbles, matrix.dense) == (10, 40)
    assert sum(cell[4] for cell in matrix.chart["density"]) == 40
    cell = matrix.chart["density"][0]
    assert cell[0] < cell[2] and cell[1] < cell[3]  # from < to on both axes
    assert matrix.chart["region"]["url"] == "/api/v1/portfolio/matrix"


def test_the_pareto_chart_shows_the_top_and_the_candidates_share() -> None:
    ranked = [
        ParetoRow(f"K{i}", f"Customer {i}", 100 - i % 100, (i + 1) / 400, i < 2, False)
        for i in range(PARETO_SHOWN + 100)
    ]

    total = sum(r.contribution_cents for r in ranked)
    ranking = ParetoRanking(AS_OF, ranked[:PARETO_SHOWN], len(ranked), 2, 100 + 99, total)

    pareto = pareto_presentation(ranking, PortfolioSettings(), "CNY")

    assert pareto.shown == PARETO_SHOWN == len(pareto.chart["codes"])
    assert pareto.chart["cumulative"][:2] == [0.25, 0.5]
    assert pareto.candidates == 2
    assert pareto.candidate_share == (100 + 99) / total
    nothing = ParetoRanking(AS_OF, [], 0, 0, 0, 0)
    assert pareto_presentation(nothing, PortfolioSettings(), "CNY").candidate_share is None


def test_the_sankey_links_states_between_the_two_dates() -> None:
    migration = Migration(
        dt.date(2025, 12, 31),
        dt.date(2026, 12, 31),
        {("A", "B"): 2, ("new", "C"): 1, ("D", "D"): 0},
    )

    chart = migration_chart(migration)

    assert chart["links"] == [
        {"source": "A · 2025-12-31", "target": "B · 2026-12-31", "value": 2},
        {"source": "new · 2025-12-31", "target": "C · 2026-12-31", "value": 1},
    ]
    assert [node["name"] for node in chart["nodes"]] == [
        "A · 2025-12-31",
        "new · 2025-12-31",
        "B · 2026-12-31",
        "C · 2026-12-31",
    ]


def test_texts_of_the_strategy_panel() -> None:
    assert t_text(None) == "—"
    assert t_text(1e300) == "+∞"
    assert t_text(-1e300) == "−∞"
    assert t_text(2.345) == "+2.35"
    assert str(rule_reason("R4")).startswith("Class A or B")
    assert rule_reason(None) == ""
