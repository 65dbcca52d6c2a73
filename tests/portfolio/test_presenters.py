"""The portfolio pages' chart data, built from rows without the database."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
from django.utils import translation

from kam.analytics.matrix import classify, density_cells
from kam.analytics.rules import Rules
from kam.portfolio.models import PortfolioSettings
from kam.portfolio.presenters import (
    PARETO_SHOWN,
    class_reason,
    compact_amount,
    matrix_presentation,
    migration_chart,
    pareto_presentation,
    rule_reason,
    t_text,
)
from kam.portfolio.rules import rules_from
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
        contribution_level="high",
        potential_level="high",
        relative_rule=False,
        potential_missing=False,
        potential_below_contribution=False,
    )


def _classified(code: str, contribution: int, potential: int, rules: Rules) -> MatrixBubble:
    """A bubble as scoring makes it: class, levels and flags from `classify` (§3)."""
    c = classify(np.array([contribution]), np.array([potential]), np.array([1.0]), rules)
    return MatrixBubble(
        account_id=int(code[1:]),
        code=code,
        name=f"Customer {code}",
        account_class=str(c.account_class[0]),
        lifecycle="maturity",
        potential_cents=int(c.potential[0]),
        contribution_cents=contribution,
        margin_cents=contribution // 4,
        share_of_wallet=float(c.share_of_wallet[0]),
        contribution_level=str(c.contribution_level[0]),
        potential_level=str(c.potential_level[0]),
        relative_rule=bool(c.relative_rule[0]),
        potential_missing=bool(c.potential_missing[0]),
        potential_below_contribution=bool(c.potential_below_contribution[0]),
    )


def _inside(point: tuple[float, float], polygon: list[list[float]]) -> bool:
    """Ray casting on log axes, where the class areas' edges are straight."""
    x, y = math.log10(point[0]), math.log10(point[1])
    ring = [(math.log10(px), math.log10(py)) for px, py in polygon]
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _boundary_accounts(settings: PortfolioSettings) -> list[tuple[int, int]]:
    """(contribution, potential) in cents on both sides of every boundary of §3: the
    contribution and potential thresholds, the relative rule's diagonal and its kink."""
    ch, cm = int(settings.contribution_high * 100), int(settings.contribution_medium * 100)
    ph, pm = int(settings.potential_high * 100), int(settings.potential_medium * 100)
    share = float(settings.relative_share_threshold)
    potentials = [pm // 10, pm, ph, int(ch / share), ph * 3, ph * 30]
    contributions = [cm // 10, cm, ch, ch * 5]
    found = []
    for p in potentials:
        for side in (0.97, 1.03):
            scaled = int(p * side)
            for c in [*contributions, int(scaled * share)]:
                found.extend((int(c * c_side), scaled) for c_side in (0.95, 1.05))
    return found


def test_each_bubble_lies_in_the_area_of_its_class() -> None:
    # Given accounts on all sides of every boundary, classed by the rules of §3 (the
    # default settings and a director's own, where the kink falls between the thresholds)
    for settings in (
        PortfolioSettings(),
        PortfolioSettings(
            contribution_high=Decimal(8_000_000),
            potential_high=Decimal(20_000_000),
            relative_share_threshold=Decimal("0.50"),
        ),
    ):
        rules = rules_from(settings)
        rows = [
            _classified(f"K{n}", c, p, rules)
            for n, (c, p) in enumerate(_boundary_accounts(settings))
        ]

        # When the matrix is drawn
        chart = matrix_presentation(_data(rows), settings, "CNY").chart

        # Then each bubble's point is inside exactly one area, the area of its class
        for series in chart["series"]:
            for point in series["points"]:
                areas = [r["cls"] for r in chart["regions"] if _inside(point["value"], r["points"])]
                assert areas == [point["cls"]], (point["code"], point["value"], areas)
        assert {r["cls"] for r in chart["regions"]} == {"A", "B", "C", "D"}


def test_the_areas_hold_the_bubbles_in_the_density_mode_too() -> None:
    # Given more accounts than the matrix draws as bubbles: the largest drawn, the rest dense
    settings = PortfolioSettings()
    rules = rules_from(settings)
    rng = np.random.default_rng(16)
    contribution = (rng.lognormal(15, 2, 700) * 100).astype(np.int64) + 100
    potential = (contribution * rng.uniform(0.5, 20, 700)).astype(np.int64)
    rows = sorted(
        (
            _classified(f"K{n}", int(c), int(p), rules)
            for n, (c, p) in enumerate(zip(contribution, potential, strict=True))
        ),
        key=lambda r: -r.contribution_cents,
    )

    # When the matrix is drawn in its density mode
    matrix = matrix_presentation(_data(rows, dense=True, bubbles=200), settings, "CNY")

    # Then the bubbles drawn sit in their class's area and the areas cover the density cells
    drawn = [p for s in matrix.chart["series"] for p in s["points"]]
    assert len(drawn) == 200 and matrix.dense == 500
    for point in drawn:
        areas = [r["cls"] for r in matrix.chart["regions"] if _inside(point["value"], r["points"])]
        assert areas == [point["cls"]]
    low_x, high_x = matrix.chart["potentialRange"]
    assert all(low_x <= cell[0] and cell[2] <= high_x for cell in matrix.chart["density"])


def test_the_tooltip_says_why_the_relative_rule_lowers_a_high_contribution() -> None:
    # Given a large customer whose potential estimate dwarfs its contribution
    rules = rules_from(PortfolioSettings())
    row = _classified("K1", 12_300_000_00, 61_500_000_00, rules)

    # When its bubble is drawn
    chart = matrix_presentation(_data([row]), PortfolioSettings(), "CNY").chart

    # Then it is class C and the tooltip says why, in numbers
    (point,) = [p for s in chart["series"] for p in s["points"]]
    assert point["cls"] == "C"
    assert point["why"] == [
        "Contribution 12.3 M is high, but its share of wallet 20 % is below 30 % of potential "
        "61.5 M, so it counts as medium.",
        "Potential 61.5 M is high.",
        "Medium contribution and high potential: class C.",
    ]


def test_the_tooltip_says_a_potential_was_filled_in_and_speaks_chinese() -> None:
    # Given an account without a potential estimate
    rules = rules_from(PortfolioSettings())
    c = classify(np.array([118_500_000_00]), np.array([0]), np.array([np.nan]), rules)
    row = _classified("K1", 118_500_000_00, 0, rules)._replace(
        potential_cents=int(c.potential[0]),
        potential_missing=True,
        account_class=str(c.account_class[0]),
        potential_level=str(c.potential_level[0]),
        contribution_level=str(c.contribution_level[0]),
    )

    # When the matrix is drawn for a reader of Chinese
    with translation.override("zh-hans"):
        why = class_reason(row, PortfolioSettings())

    # Then the reason says the potential is the contribution standing in, in 亿
    assert "1.19 亿" in why[0]
    assert row.account_class == "A"
    assert why[1:] == [
        "潜力 1.19 亿 为高。",
        "没有潜力估计：以贡献代替。",
        "高贡献、高潜力：A 类。",
    ]


def test_compact_amounts_follow_the_readers_language() -> None:
    assert compact_amount(118_500_000_00, "en") == "118.5 M"
    assert compact_amount(118_500_000_00, "zh-hans") == "1.19 亿"
    assert compact_amount(12_000_00, "zh-hans") == "1.2 万"
    assert compact_amount(999_00, "en") == "999"
    assert compact_amount(-2_500_000_000_00, "en") == "-2.5 B"
    # the same rule as the cards and tables: about four digits, at most two decimals
    assert compact_amount(47_660_000_00, "en") == "47.66 M"


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
