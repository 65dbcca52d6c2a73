"""What the portfolio pages draw: ECharts data (series, colours, labels) and display texts.

The views read through the selectors and hand the rows here; nothing in this module queries
the database. The chart dicts are read by web/static/kam/kam.js.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.analytics.matrix import cell_edge, class_regions, density_cells
from kam.core.money import cents_compact
from kam.portfolio.models import AccountClass, Level, Lifecycle, PortfolioSettings, Snapshot
from kam.portfolio.rules import rules_from
from kam.portfolio.selectors import (
    DENSITY_CELLS_PER_DECADE,
    MATRIX_BUBBLES,
    MatrixBubble,
    MatrixData,
    Migration,
    ParetoRanking,
)

RULE_REASONS = {
    "R1": gettext_lazy("A prospect with high or medium potential: turn it into a customer."),
    "R2": gettext_lazy(
        "Class A or B now or in the last 12 months, and now declining, lost or at high churn "
        "risk: win it back."
    ),
    "R3": gettext_lazy(
        "Class C: there is headroom, so invest to lift it (acquisition while it is still new)."
    ),
    "R4": gettext_lazy("Class A or B: keep it and shut out competitors."),
    "R5": gettext_lazy(
        "Class D, or no other rule applies: keep in touch, wait for an opening, and review "
        "whether it is still a key account."
    ),
}
FACTOR_LABELS = (
    ("contribution", gettext_lazy("Contribution")),
    ("potential", gettext_lazy("Potential")),
    ("growth", gettext_lazy("Growth")),
    ("margin", gettext_lazy("Margin %")),
    ("strategic_importance", gettext_lazy("Strategic importance")),
    ("technical_fit", gettext_lazy("Technical fit")),
    ("credit_reputation", gettext_lazy("Credit and reputation")),
)
LIFECYCLE_COLOURS = {
    "acquisition": "#7c8da6",
    "growth": "#2e9e5b",
    "maturity": "#1f4e8c",
    "decline": "#d9822b",
    "lost": "#c23b3b",
}
PARETO_SHOWN = 300  # bars on the Pareto chart; the tiles count every ranked account


def money(cents: int) -> float:
    """Cents as the chart's number of currency units."""
    return cents / 100


# Compact amounts (charts): the units of the reader's language, largest first. Chinese counts
# in 万 (10^4) and 亿 (10^8); the others in thousands. kam.js's `compactMoney` follows the
# same rule (docs/rules.md "Charts").
def compact_amount(cents: int, language: str | None = None) -> str:
    """An amount as a reader says it, by the one rule of kam.core.money.cents_compact
    (118.5 M, 1.19 亿); below the first unit, whole units grouped."""
    whole = Decimal(int(cents)).scaleb(-2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return cents_compact(cents, language=language) or f"{whole:,}"


def _percent(share: float) -> str:
    return f"{100 * share:.1f}".rstrip("0").rstrip(".") + " %"


def class_reason(row: Any, settings: PortfolioSettings) -> list[str]:
    """Why an account is in its class (§3), in sentences: its contribution level (and the
    relative rule when it lowered it), its potential level (and a filled-in potential), and
    the class they give. `row` is a Snapshot, a HistoryRow or a MatrixBubble: anything with
    their contribution, potential, levels and flags."""
    c, p = money(row.contribution_cents), money(row.potential_cents)
    level = {v: str(label) for v, label in Level.choices}
    order = [Level.LOW, Level.MEDIUM, Level.HIGH]
    stated = row.contribution_level
    numbers = {
        "contribution": compact_amount(row.contribution_cents),
        "potential": compact_amount(row.potential_cents),
    }
    if row.relative_rule and stated in order[:2]:
        absolute = order[order.index(stated) + 1]
        lines = [
            _(
                "Contribution %(contribution)s is %(absolute)s, but its share of wallet "
                "%(share)s is below %(threshold)s of potential %(potential)s, so it counts "
                "as %(level)s."
            )
            % {
                **numbers,
                "absolute": level[absolute],
                "level": level[stated],
                "share": _percent(c / p) if p else "—",
                "threshold": _percent(float(settings.relative_share_threshold)),
            }
        ]
    else:
        lines = [
            _("Contribution %(contribution)s is %(level)s.") % {**numbers, "level": level[stated]}
        ]
    potential = _("Potential %(potential)s is %(level)s.") % {
        **numbers,
        "level": level[row.potential_level],
    }
    lines.append(potential)
    if row.potential_missing:
        lines.append(_("There is no estimate: the contribution stands in for it."))
    elif row.potential_below_contribution:
        lines.append(_("The estimate was below the contribution: raised to it."))
    elif row.potential_missing is None:
        lines.append(_("Whether it was estimated or filled in is not kept for this date."))
    lines.append(
        _("%(contribution)s contribution and %(potential)s potential: class %(klass)s.")
        % {
            "contribution": level[stated].capitalize(),
            "potential": level[row.potential_level],
            "klass": row.account_class,
        }
    )
    if getattr(row, "reclassified", False):
        lines.append(_("Classed under the settings of the time; today's would class it otherwise."))
    return lines


def _chart_range(values: list[float], low: float, high: float) -> tuple[float, float]:
    """A log axis from a power of ten below the values (and `low`) to one above (and `high`)."""
    return (
        float(10 ** math.floor(math.log10(min([*values, low])))),
        float(10 ** math.ceil(math.log10(max([*values, high])))),
    )


@dataclass(frozen=True)
class MatrixPresentation:
    """The matrix page (§3): the scatter by lifecycle stage, the density of the accounts not
    drawn as bubbles, and the class tiles."""

    chart: dict[str, Any]
    hidden: int  # accounts without positive contribution and potential: not on the log axes
    classes: Sequence[tuple[str, str | Promise, int, int]]  # class, label, accounts, cents
    bubbles: int  # accounts drawn as bubbles
    dense: int  # accounts drawn as density cells instead


def _bubble(row: MatrixBubble, account_url: str, settings: PortfolioSettings) -> dict[str, Any]:
    return {
        "value": [money(row.potential_cents), money(row.contribution_cents)],
        "margin": None if row.margin_cents is None else money(row.margin_cents),
        "code": row.code,
        "name": row.name,
        "cls": row.account_class,
        "sow": row.share_of_wallet,
        "why": class_reason(row, settings),
        "url": account_url.format(row.account_id),
    }


def matrix_presentation(
    data: MatrixData, settings: PortfolioSettings, currency: str
) -> MatrixPresentation:
    """Bubbles for `data.bubbles`; the other plotted accounts counted on log cells (§3)."""
    totals = data.totals
    # One reverse() for all rows: the account id is swapped into the pattern.
    account_url = reverse("account_detail", args=[0]).replace("/0/", "/{}/")
    points: dict[str, list[dict[str, Any]]] = {stage: [] for stage in Lifecycle.values}
    for row in data.bubbles:
        points[row.lifecycle].append(_bubble(row, account_url, settings))
    density = _density_cells(totals.cells, data.bubbles)
    xs = [money(r.potential_cents) for r in data.bubbles] + [c[i] for c in density for i in (0, 2)]
    ys = [money(r.contribution_cents) for r in data.bubbles]
    ys += [c[i] for c in density for i in (1, 3)]
    potential_range = _chart_range(
        xs, float(settings.potential_medium) / 10 or 1, float(settings.potential_high) * 3 or 10
    )
    contribution_range = _chart_range(
        ys,
        float(settings.contribution_medium) / 10 or 1,
        float(settings.contribution_high) * 3 or 10,
    )
    regions = class_regions(rules_from(settings), potential_range, contribution_range)
    chart = {
        "currency": currency,
        "potentialRange": potential_range,
        "contributionRange": contribution_range,
        "regions": [
            {"cls": r.account_class, "points": [list(v) for v in r.vertices]} for r in regions
        ],
        "sized": data.full,  # margin is not kept on month ends of the monthly history
        "series": [
            {
                "name": str(Lifecycle(stage).label),
                "stage": stage,
                "colour": LIFECYCLE_COLOURS[stage],
                "points": pts,
            }
            for stage, pts in points.items()
        ],
        "density": density,
        "accountUrl": account_url,
        "contributionHigh": float(settings.contribution_high),
        "contributionMedium": float(settings.contribution_medium),
        "potentialHigh": float(settings.potential_high),
        "potentialMedium": float(settings.potential_medium),
        "relativeShare": float(settings.relative_share_threshold),
        "labels": {
            "potential": _("Potential per year"),
            "contribution": _("Contribution, last 12 months"),
            "relative": _("Share of wallet %(share)s")
            % {"share": f"{settings.relative_share_threshold:.0%}"},
            "margin": _("Margin"),
            "share": _("Share of wallet"),
            "class": _("Class"),
            "why": _("Why this class"),
            "density": _("Other accounts"),
            "cell": _("{count} accounts in this cell; zoom in to see them"),
            "regionAll": _("Showing all {count} accounts in this part of the matrix."),
            "regionSome": _(
                "Showing the {shown} largest of the {count} accounts in this part of the "
                "matrix as bubbles; zoom in further to see the others."
            ),
            "regionFailed": _("The accounts of this part of the matrix could not be loaded."),
        },
    }
    if data.dense:
        chart["region"] = {"url": reverse("api-1.0.0:list_matrix_accounts"), "most": MATRIX_BUBBLES}
    classes = [
        (klass, AccountClass(klass).label, count, cents)
        for klass, (count, cents) in totals.classes.items()
    ]
    return MatrixPresentation(
        chart,
        totals.hidden,
        classes,
        bubbles=len(data.bubbles),
        dense=totals.plotted - len(data.bubbles),
    )


def _density_cells(
    cells: dict[tuple[int, int], int], bubbles: Sequence[MatrixBubble]
) -> list[list[float]]:
    """The plotted accounts not drawn as bubbles as [potential from, contribution from,
    potential to, contribution to, accounts] per non-empty log cell, in currency units: every
    plotted account's cell counts less the bubbles' own."""
    drawn = density_cells(
        np.array([row.potential_cents / 100 for row in bubbles], dtype=np.float64),
        np.array([row.contribution_cents / 100 for row in bubbles], dtype=np.float64),
        per_decade=DENSITY_CELLS_PER_DECADE,
    )
    step = DENSITY_CELLS_PER_DECADE
    return [
        [cell_edge(i, step), cell_edge(j, step), cell_edge(i + 1, step), cell_edge(j + 1, step), n]
        for (i, j), count in sorted(cells.items())
        if (n := count - drawn.get((i, j), 0)) > 0
    ]


@dataclass(frozen=True)
class MatrixAccount:
    """One account of a matrix region as the API answers it (`MatrixAccountOut`)."""

    account: Any  # its code and name
    account_id: int
    account_class: str
    lifecycle: str
    potential_cents: int
    contribution_cents: int
    margin_cents: int | None
    share_of_wallet: float | None
    class_reason: list[str]


def matrix_accounts(rows: Sequence[Any], settings: PortfolioSettings) -> list[MatrixAccount]:
    """The accounts of a zoomed matrix region with the reason of their class, as the page's
    bubbles carry it (§3); `rows` are snapshots or monthly-history rows."""
    return [
        MatrixAccount(
            row.account,
            row.account_id,
            row.account_class,
            row.lifecycle,
            row.potential_cents,
            row.contribution_cents,
            row.margin_cents,
            row.share_of_wallet,
            class_reason(row, settings),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ParetoPresentation:
    """The Pareto page (§2): the top of the ranking as bars and the cumulative curve."""

    chart: dict[str, Any]
    shown: int
    candidates: int
    candidate_share: float | None  # the candidates' share of the ranked contribution


def pareto_presentation(
    ranking: ParetoRanking, settings: PortfolioSettings, currency: str
) -> ParetoPresentation:
    shown = ranking.top[:PARETO_SHOWN]
    chart = {
        "currency": currency,
        "codes": [r.code for r in shown],
        "names": [r.name for r in shown],
        "contribution": [money(r.contribution_cents) for r in shown],
        "cumulative": [round((r.cumulative_share or 0) * 100, 2) for r in shown],
        "candidate": [r.pareto_candidate for r in shown],
        "target": float(settings.pareto_revenue_share) * 100,
        "labels": {
            "contribution": _("Contribution, last 12 months"),
            "cumulative": _("Cumulative share"),
            "candidate": _("Pareto candidate"),
            "other": _("Other accounts"),
            "target": _("Target share"),
        },
    }
    total = ranking.total_cents
    return ParetoPresentation(
        chart=chart,
        shown=len(shown),
        candidates=ranking.candidates,
        candidate_share=ranking.candidate_cents / total if total else None,
    )


def migration_chart(migration: Migration, flow_url: str | None = None) -> dict[str, Any]:
    """The Sankey of class migration (§3): a node per state and date, a link per move; with
    `flow_url` (holding "{from}" and "{to}") each link opens the list of its accounts."""
    names = {"lost": _("lost"), "new": _("new")}
    start, end = migration.start.isoformat(), migration.end.isoformat()
    left = {s: f"{names.get(s, s)} · {start}" for s in [*migration.states, "new"]}
    right = {s: f"{names.get(s, s)} · {end}" for s in migration.states}
    links = [
        {"source": left[a], "target": right[b], "value": n}
        | ({"url": flow_url.replace("{from}", a).replace("{to}", b)} if flow_url else {})
        for (a, b), n in sorted(migration.counts.items())
        if n
    ]
    used = {link["source"] for link in links} | {link["target"] for link in links}
    nodes = [
        {"name": name, "state": state, "label": str(names.get(state, state)), "side": side}
        for side, states in (("start", left), ("end", right))
        for state, name in states.items()
        if name in used
    ]
    return {"nodes": nodes, "links": links, "label": _("accounts"), "start": start, "end": end}


def score_factors(
    snapshot: Snapshot, weights: PortfolioSettings
) -> list[tuple[str | Promise, Any, Any]]:
    """The key-account score's factors (§2) as (label, the account's value, weight)."""
    return [
        (label, snapshot.score_factors.get(name), getattr(weights, f"weight_{name}"))
        for name, label in FACTOR_LABELS
    ]


def rule_reason(rule: str | None) -> str | Promise:
    """Why the strategy rule of §6 applies, in words."""
    return RULE_REASONS.get(rule or "", "")


def t_text(value: float | None) -> str:
    """The t-statistic as read: an exact line (stored as ±1e300) is ±∞."""
    if value is None:
        return "—"
    if abs(value) >= 1e299:
        return "+∞" if value > 0 else "−∞"
    return f"{value:+.2f}"
