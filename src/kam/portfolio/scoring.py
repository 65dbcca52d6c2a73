"""From the monthly aggregates to snapshot rows: the portfolio engine (DOMAIN §2–§6).

The database is read once per run into account × month arrays (the aggregates, never the raw
lines); every date of a run is then pure array work in `kam.analytics`, and its rows are written
through the store's bulk path.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Sum

from kam.accounts.models import Account, PotentialEstimate
from kam.analytics import investment as investment_core
from kam.analytics import lifecycle as lifecycle_core
from kam.analytics import matrix, pareto, strategy
from kam.analytics import score as score_core
from kam.analytics.rules import Band, Rules, Weights
from kam.core.money import decimal_to_cents
from kam.core.months import last_month_end, month_end, month_index
from kam.ledger.models import MonthlyAggregate
from kam.portfolio.models import CostToServe, PortfolioSettings, Scope

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]


def rules_from(settings: PortfolioSettings) -> Rules:
    """The pure core's view of the director's settings."""
    s = settings
    return Rules(
        pareto_revenue_share=s.pareto_revenue_share,
        pareto_max_account_share=s.pareto_max_account_share,
        key_score_threshold=s.key_score_threshold,
        potential_max_age_months=s.potential_max_age_months,
        contribution_high_cents=decimal_to_cents(s.contribution_high),
        contribution_medium_cents=decimal_to_cents(s.contribution_medium),
        potential_high_cents=decimal_to_cents(s.potential_high),
        potential_medium_cents=decimal_to_cents(s.potential_medium),
        relative_share_threshold=s.relative_share_threshold,
        lost_after_months=s.lost_after_months,
        min_history_months=s.min_history_months,
        lifecycle_window_months=s.lifecycle_window_months,
        lifecycle_t_threshold=s.lifecycle_t_threshold,
        lifecycle_slope_threshold=s.lifecycle_slope_threshold,
        weights=Weights(
            contribution=s.weight_contribution,
            potential=s.weight_potential,
            growth=s.weight_growth,
            margin=s.weight_margin,
            strategic_importance=s.weight_strategic_importance,
            technical_fit=s.weight_technical_fit,
            credit_reputation=s.weight_credit_reputation,
        ),
        bands={
            "A": Band(s.band_a_low, s.band_a_high),
            "B": Band(s.band_b_low, s.band_b_high),
            "C": Band(s.band_c_low, s.band_c_high),
            "D": Band(s.band_d_low, s.band_d_high),
        },
    )


def potential_age_months(
    estimate_month: IntArray, estimate_day: IntArray, as_of: dt.date
) -> FloatArray:
    """Whole calendar months from each estimate to the date, plus ½ for a part month.

    `estimate_month` is the estimate's `month_index`, `estimate_day` its day of the month. Only
    "more than N months" is ever asked of it (§2 stale), which the half answers exactly: the
    anniversary is clamped to the month's last day, as calendar months are.
    """
    months = (month_index(as_of) - estimate_month).astype(np.float64)
    anniversary_day = np.minimum(estimate_day, month_end(month_index(as_of)).day)
    return np.where(
        anniversary_day > as_of.day,
        months - 0.5,
        months + np.where(anniversary_day < as_of.day, 0.5, 0.0),
    )


@dataclass
class Ledger:
    """Account × month arrays in cents for every account, column 0 being month `base`."""

    account_ids: IntArray
    codes: StrArray
    index_of: dict[int, int]
    root: IntArray  # row of each account's top parent (itself when it has none)
    base: int
    revenue: IntArray
    cost: IntArray
    costed_revenue: IntArray
    cost_to_serve: IntArray
    strategic_importance: FloatArray
    technical_fit: FloatArray
    credit_reputation: FloatArray
    is_key: BoolArray
    # Potential estimates sorted by account row, date and entry, one element each.
    estimate_row: IntArray
    estimate_ordinal: IntArray
    estimate_month: IntArray
    estimate_day: IntArray
    estimate_cents: IntArray
    estimate_date: list[dt.date]

    @property
    def width(self) -> int:
        return int(self.revenue.shape[1])

    @functools.cached_property
    def revenue_sums(self) -> WindowSums:
        return WindowSums(self.revenue)

    def estimates_as_of(self, as_of: dt.date) -> tuple[IntArray, FloatArray, IntArray]:
        """Each account's latest estimate on or before the date (ties: latest entered):
        amount in cents, age in months (NaN: none) and its position in the estimate arrays
        (−1: none) (§2)."""
        n = self.account_ids.shape[0]
        amount = np.zeros(n, dtype=np.int64)
        age = np.full(n, np.nan)
        position = np.full(n, -1, dtype=np.int64)
        taken = np.flatnonzero(self.estimate_ordinal <= as_of.toordinal())
        if taken.size:
            rows = self.estimate_row[taken]
            # Sorted by account, date and entry: the last of each account's run wins.
            last = taken[np.concatenate((rows[1:] != rows[:-1], [True]))]
            rows = self.estimate_row[last]
            amount[rows] = self.estimate_cents[last]
            age[rows] = potential_age_months(
                self.estimate_month[last], self.estimate_day[last], as_of
            )
            position[rows] = last
        return amount, age, position

    def estimate_dates(self, position: IntArray) -> list[dt.date | None]:
        return [None if p < 0 else self.estimate_date[p] for p in position.tolist()]


def _roots(parent_rows: list[int]) -> IntArray:
    roots = np.arange(len(parent_rows), dtype=np.int64)
    for start in range(len(parent_rows)):
        row, seen = start, 0
        while parent_rows[row] >= 0 and seen <= len(parent_rows):
            row, seen = parent_rows[row], seen + 1
        roots[start] = row
    return roots


def load_ledger(first_as_of: dt.date, last_as_of: dt.date, rules: Rules) -> Ledger:
    """Read accounts, aggregates, estimates and cost to serve into arrays, once."""
    accounts = list(
        Account.objects.order_by("pk").values_list(
            "pk",
            "code",
            "parent_id",
            "strategic_importance",
            "technical_fit",
            "credit_reputation",
            "is_key",
        )
    )
    ids = np.array([row[0] for row in accounts], dtype=np.int64)
    index_of = {int(pk): i for i, pk in enumerate(ids.tolist())}
    parent_rows = [index_of.get(row[2], -1) if row[2] else -1 for row in accounts]

    def rating(position: int) -> FloatArray:
        return np.array(
            [np.nan if row[position] is None else float(row[position]) for row in accounts]  # type: ignore[arg-type]
        )

    monthly = list(
        MonthlyAggregate.objects.values("account_id", "month")
        .annotate(
            revenue=Sum("revenue_cents"), cost=Sum("cost_cents"), costed=Sum("costed_revenue_cents")
        )
        .values_list("account_id", "month", "revenue", "cost", "costed")
    )
    costs = list(
        CostToServe.objects.values("account_id", "month")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "month", "total")
    )
    history = max(rules.lifecycle_window_months, 24, rules.lost_after_months) + 12
    first_needed = month_index(last_month_end(first_as_of)) - history
    # The ledger's whole span counts (a lifecycle starts at the first revenue month); cost to
    # serve only within the window, so a stray old cost record cannot widen every array.
    base = min([first_needed, *(month_index(row[1]) for row in monthly)])
    width = month_index(last_month_end(last_as_of)) - base + 1
    width = max(width, 1)
    n = len(accounts)
    revenue = np.zeros((n, width), dtype=np.int64)
    cost = np.zeros((n, width), dtype=np.int64)
    costed = np.zeros((n, width), dtype=np.int64)
    cost_to_serve = np.zeros((n, width), dtype=np.int64)
    if monthly:
        rows = np.array([index_of[row[0]] for row in monthly], dtype=np.int64)
        cols = np.array([month_index(row[1]) - base for row in monthly], dtype=np.int64)
        keep = cols < width
        for target, position in ((revenue, 2), (cost, 3), (costed, 4)):
            values = np.array([int(row[position] or 0) for row in monthly], dtype=np.int64)  # type: ignore[arg-type]
            np.add.at(target, (rows[keep], cols[keep]), values[keep])
    if costs:
        rows = np.array([index_of[row[0]] for row in costs], dtype=np.int64)
        cols = np.array([month_index(row[1]) - base for row in costs], dtype=np.int64)
        keep = (cols >= 0) & (cols < width)
        values = np.array([decimal_to_cents(Decimal(row[2])) for row in costs], dtype=np.int64)
        np.add.at(cost_to_serve, (rows[keep], cols[keep]), values[keep])

    # Accounts are in primary-key order, so ordering by account_id is ordering by row.
    estimates = list(
        PotentialEstimate.objects.order_by(
            "account_id", "estimated_on", "created_at", "pk"
        ).values_list("account_id", "estimated_on", "amount")
    )
    dates = [row[1] for row in estimates]
    return Ledger(
        account_ids=ids,
        codes=np.array([row[1] for row in accounts], dtype=str),
        index_of=index_of,
        root=_roots(parent_rows),
        base=base,
        revenue=revenue,
        cost=cost,
        costed_revenue=costed,
        cost_to_serve=cost_to_serve,
        strategic_importance=rating(3),
        technical_fit=rating(4),
        credit_reputation=rating(5),
        is_key=np.array([bool(row[6]) for row in accounts], dtype=bool),
        estimate_row=np.array([index_of[row[0]] for row in estimates], dtype=np.int64),
        estimate_ordinal=np.array([d.toordinal() for d in dates], dtype=np.int64),
        estimate_month=np.array([month_index(d) for d in dates], dtype=np.int64),
        estimate_day=np.array([d.day for d in dates], dtype=np.int64),
        estimate_cents=np.array([decimal_to_cents(row[2]) for row in estimates], dtype=np.int64),
        estimate_date=dates,
    )


@dataclass(frozen=True)
class View:
    """One scope's rows: entities, or groups rolled up to their top parent (§2 groups)."""

    scope: str
    account_ids: IntArray
    codes: StrArray
    revenue: IntArray
    cost: IntArray
    costed_revenue: IntArray
    cost_to_serve: IntArray
    strategic_importance: FloatArray
    technical_fit: FloatArray
    credit_reputation: FloatArray
    is_key: BoolArray
    members: IntArray  # entity rows → view row (identity for entities)
    top_rows: IntArray  # the entity row that stands for each view row

    def __post_init__(self) -> None:
        for name in ("revenue", "cost", "costed_revenue", "cost_to_serve"):
            object.__setattr__(self, f"{name}_sums", WindowSums(getattr(self, name)))

    # Set in __post_init__ (typed here for readers and mypy).
    revenue_sums: WindowSums = field(init=False, repr=False, compare=False)
    cost_sums: WindowSums = field(init=False, repr=False, compare=False)
    costed_revenue_sums: WindowSums = field(init=False, repr=False, compare=False)
    cost_to_serve_sums: WindowSums = field(init=False, repr=False, compare=False)


def entity_view(ledger: Ledger) -> View:
    rows = np.arange(ledger.account_ids.shape[0], dtype=np.int64)
    return View(
        Scope.ENTITY,
        ledger.account_ids,
        ledger.codes,
        ledger.revenue,
        ledger.cost,
        ledger.costed_revenue,
        ledger.cost_to_serve,
        ledger.strategic_importance,
        ledger.technical_fit,
        ledger.credit_reputation,
        ledger.is_key,
        rows,
        rows,
    )


def group_view(ledger: Ledger) -> View:
    """Top parents with every descendant's ledger summed; standalone accounts as themselves."""
    top_rows = np.unique(ledger.root)
    position = np.full(ledger.account_ids.shape[0], -1, dtype=np.int64)
    position[top_rows] = np.arange(top_rows.size)
    members = position[ledger.root]

    def rolled(values: IntArray) -> IntArray:
        out = np.zeros((top_rows.size, values.shape[1]), dtype=np.int64)
        np.add.at(out, members, values)
        return out

    return View(
        Scope.GROUP,
        ledger.account_ids[top_rows],
        ledger.codes[top_rows],
        rolled(ledger.revenue),
        rolled(ledger.cost),
        rolled(ledger.costed_revenue),
        rolled(ledger.cost_to_serve),
        ledger.strategic_importance[top_rows],
        ledger.technical_fit[top_rows],
        ledger.credit_reputation[top_rows],
        ledger.is_key[top_rows],
        members,
        top_rows,
    )


class WindowSums:
    """Sums of trailing windows of months (columns), from prefix sums taken once: every date
    of a run then costs one subtraction per account instead of a sum over the window."""

    def __init__(self, values: IntArray) -> None:
        self.width = int(values.shape[1])
        self.prefix = np.zeros((values.shape[0], self.width + 1), dtype=np.int64)
        np.cumsum(values, axis=1, out=self.prefix[:, 1:])

    def __call__(self, last: int, months: int) -> IntArray:
        """Sum of the `months` columns ending with column `last` (outside columns count 0)."""
        start, stop = max(last - months + 1, 0), min(last + 1, self.width)
        if stop <= start:
            return np.zeros(self.prefix.shape[0], dtype=np.int64)
        return self.prefix[:, stop] - self.prefix[:, start]


@dataclass(frozen=True)
class Potential:
    amount: IntArray  # the estimate used (cents); meaningless where age is NaN
    age: FloatArray  # NaN: no estimate
    position: IntArray  # the estimate's position in the ledger's arrays; −1: none or summed


def view_potential(ledger: Ledger, view: View, as_of: dt.date) -> Potential:
    """Potential of each view row as of the date (§2): entities their own latest estimate; a
    group its parent's estimate when there is one, else the sum of its members' effective P
    (the group's own potential rules then run in classify, on the group's C)."""
    amount, age, position = ledger.estimates_as_of(as_of)
    if view.scope == Scope.ENTITY:
        return Potential(amount, age, position)
    top = view.top_rows
    own = ~np.isnan(age[top])
    known = ~np.isnan(age)
    member_c = ledger.revenue_sums(_last_col(ledger, as_of), 12)
    member_p, _, _ = matrix.effective_potential(member_c, amount, known)
    summed = np.zeros(top.size, dtype=np.int64)
    np.add.at(summed, view.members, member_p)
    oldest = np.full(top.size, np.nan)
    np.fmax.at(oldest, view.members[known], age[known])
    return Potential(
        np.where(own, amount[top], summed).astype(np.int64),
        np.where(own, age[top], oldest),
        np.where(own, position[top], -1),
    )


def _last_col(ledger: Ledger, as_of: dt.date) -> int:
    return month_index(last_month_end(as_of)) - ledger.base


@dataclass
class Result:
    """Every figure of one view as of one date, one array per snapshot column."""

    view: View
    as_of: dt.date
    columns: dict[str, Any]
    nulls: dict[str, BoolArray]  # where an integer column is NULL


class ClassCache:
    """Classes as of month ends, shared by the dates of a run (§6 R2 looks back 12 months)."""

    def __init__(self) -> None:
        self._classes: dict[tuple[str, int], StrArray] = {}

    def at_month_end(self, ledger: Ledger, view: View, col: int, rules: Rules) -> StrArray:
        key = (view.scope, col)
        if key not in self._classes:
            day = month_end(ledger.base + col)
            c = view.revenue_sums(col, 12)
            potential = view_potential(ledger, view, day)
            self._classes[key] = matrix.classify(
                c, potential.amount, potential.age, rules
            ).account_class
        return self._classes[key]


def compute(
    ledger: Ledger,
    view: View,
    as_of: dt.date,
    rules: Rules,
    classes: ClassCache,
    churn_risk_high: BoolArray | None = None,
) -> Result:
    """The snapshot of every row of a view as of a date (§2–§6)."""
    last = _last_col(ledger, as_of)
    n = view.account_ids.shape[0]
    revenue = view.revenue[:, : last + 1] if last >= 0 else np.zeros((n, 1), dtype=np.int64)
    c = view.revenue_sums(last, 12)
    c_prev = view.revenue_sums(last - 12, 12)
    active = view.revenue_sums(last, 24) > 0
    costed = view.costed_revenue_sums(last, 12)
    margin = costed - view.cost_sums(last, 12)
    with np.errstate(invalid="ignore", divide="ignore"):
        margin_pct = np.where(costed > 0, margin / np.where(costed > 0, costed, 1), np.nan)
        growth = np.where(c_prev > 0, c / np.where(c_prev > 0, c_prev, 1) - 1.0, np.nan)
    potential = view_potential(ledger, view, as_of)
    classified = matrix.classify(c, potential.amount, potential.age, rules)

    ranked = pareto.rank(
        c, active, view.codes, rules.pareto_revenue_share, rules.pareto_max_account_share
    )
    has_estimate = ~np.isnan(potential.age)
    factors = {
        "contribution": score_core.percentile_rank(c.astype(np.float64), active),
        "potential": score_core.percentile_rank(
            classified.potential.astype(np.float64), active & has_estimate
        ),
        "growth": score_core.percentile_rank(growth, active & (c_prev > 0)),
        "margin": score_core.percentile_rank(margin_pct, active & ~np.isnan(margin_pct)),
        "strategic_importance": score_core.rating(view.strategic_importance),
        "technical_fit": score_core.rating(view.technical_fit),
        "credit_reputation": score_core.rating(view.credit_reputation),
    }
    scored = score_core.score(factors, rules.weights)
    threshold = float(rules.key_score_threshold)
    proposal = (ranked.candidate | (scored.score >= threshold)) & (view.credit_reputation != 1)

    first = lifecycle_core.first_revenue_month(revenue)
    stages = lifecycle_core.stage(revenue, first, rules)
    was_a_or_b = np.zeros(n, dtype=bool)
    for back in range(12):
        if last - back >= 0:
            was_a_or_b |= np.isin(
                classes.at_month_end(ledger, view, last - back, rules), ("A", "B")
            )
    recommended = strategy.recommend(
        first == -1,
        classified.potential_level,
        classified.account_class,
        was_a_or_b,
        stages.stage,
        churn_risk_high if churn_risk_high is not None else np.zeros(n, dtype=bool),
    )
    invested = view.cost_to_serve_sums(last, 12)
    evaluated = investment_core.evaluate(invested, c, margin, classified.account_class, rules)
    columns: dict[str, Any] = {
        "account_id": view.account_ids,
        "active": active,
        "contribution_cents": c,
        "contribution_prev_cents": c_prev,
        "margin_cents": margin,
        "margin_pct": margin_pct,
        "growth": growth,
        "potential_estimate_cents": potential.amount,
        "potential_estimated_on": ledger.estimate_dates(potential.position),
        "potential_cents": classified.potential,
        "share_of_wallet": classified.share_of_wallet,
        "potential_missing": classified.potential_missing,
        "potential_below_contribution": classified.potential_below_contribution,
        "potential_stale": classified.potential_stale,
        "relative_rule": classified.relative_rule,
        "contribution_level": classified.contribution_level,
        "potential_level": classified.potential_level,
        "account_class": classified.account_class,
        "score": scored.score,
        **{f"factor_{name}": np.round(factors[name], 6) for name in score_core.FACTORS},
        "pareto_rank": ranked.rank,
        "revenue_share": ranked.revenue_share,
        "cumulative_share": ranked.cumulative_share,
        "pareto_candidate": ranked.candidate,
        "key_proposal": proposal,
        "is_key": view.is_key,
        "lifecycle": stages.stage,
        "trend_slope": stages.slope,
        "trend_t": stages.t_statistic,
        "trend_relative_slope": stages.relative_slope,
        "trend_months": stages.months,
        "strategy": recommended.strategy,
        "strategy_rule": recommended.rule,
        "review_key_status": recommended.review_key_status,
        "investment_cents": invested,
        "investment_ratio": evaluated.ratio,
        "roi": evaluated.roi,
        "investment_band": evaluated.band,
    }
    nulls = {"potential_estimate_cents": ~has_estimate, "pareto_rank": ranked.rank == 0}
    return Result(view, as_of, columns, nulls)


# A t-statistic of ±infinity (an exact line) is stored as ±1e300: JSON and every database
# take it, and every comparison of §5 reads the same.
_INFINITE = 1e300


def _plain(values: Any, null: BoolArray | None) -> list[object]:
    """One column as Python values for the bulk path: NaN and `null` as None."""
    if isinstance(values, list):  # dates: each distinct one converted once
        ops, stored = connection.ops, {}
        for value in set(values) - {None}:
            stored[value] = ops.adapt_datefield_value(value)
        return [None if value is None else stored[value] for value in values]
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        values = np.where(np.isinf(values), np.copysign(_INFINITE, values), values)
        null = missing if null is None else null | missing
    plain: list[object] = values.tolist()
    if null is not None:
        for row in np.flatnonzero(null).tolist():
            plain[row] = None
    return plain


def rows_of(result: Result, computed_at: dt.datetime) -> tuple[list[str], list[tuple[object, ...]]]:
    """Plain tuples (in the returned column order) for the bulk path.

    Dates go in as the store writes them, converted once per date rather than once per row.
    """
    ops = connection.ops
    names = [*result.columns, "as_of", "scope", "computed_at"]
    columns = [_plain(values, result.nulls.get(name)) for name, values in result.columns.items()]
    n = len(result.view.account_ids)
    columns.extend(
        [
            [ops.adapt_datefield_value(result.as_of)] * n,
            [result.view.scope] * n,
            [ops.adapt_datetimefield_value(computed_at)] * n,
        ]
    )
    return names, list(zip(*columns, strict=True))


class SeriesBuilder:
    """Collects one view's figures month end by month end, then gives the monthly-history rows
    (`SnapshotSeries`): one row per account, a value per month (§2 --history)."""

    def __init__(self, view: View, months: int) -> None:
        n = view.account_ids.shape[0]
        self.view = view
        self.months = months
        self.filled = 0
        self.classes = np.full((n, months), "D", dtype="<U1")
        self.stages = np.full((n, months), "a", dtype="<U1")
        self.present = np.full((n, months), "0", dtype="<U1")
        self.rules = np.full((n, months), "5", dtype="<U1")
        self.contribution = np.zeros((n, months), dtype=np.int64)
        self.potential = np.zeros((n, months), dtype=np.int64)
        self.score = np.full((n, months), np.nan)

    def add(self, result: Result) -> None:
        cols, month = result.columns, self.filled
        self.classes[:, month] = cols["account_class"]
        self.stages[:, month] = np.asarray(cols["lifecycle"]).astype("<U1")
        present = np.asarray(cols["active"]) | (np.asarray(cols["contribution_prev_cents"]) > 0)
        self.present[:, month] = np.where(present, "1", "0")
        self.rules[:, month] = np.char.lstrip(np.asarray(cols["strategy_rule"]).astype(str), "R")
        self.contribution[:, month] = cols["contribution_cents"]
        self.potential[:, month] = cols["potential_cents"]
        self.score[:, month] = np.round(np.asarray(cols["score"], dtype=np.float64), 4)
        self.filled += 1

    def rows(
        self, first_month_end: dt.date, computed_at: dt.datetime
    ) -> tuple[list[str], list[tuple[object, ...]]]:
        """Plain tuples for the bulk path; JSON written once per row, dates once per run."""
        m = self.filled
        ops = connection.ops

        def text(values: StrArray) -> list[str]:
            # A C-ordered (n, m) array of single characters read as n strings of m.
            return list(np.ascontiguousarray(values[:, :m]).view(f"<U{m}")[:, 0].tolist())

        scores = _json_rows(self.score[:, :m])
        columns: list[list[Any]] = [
            list(self.view.account_ids.tolist()),
            [self.view.scope] * len(scores),
            [ops.adapt_datefield_value(first_month_end)] * len(scores),
            [m] * len(scores),
            list(text(self.classes)),
            list(text(self.stages)),
            list(text(self.present)),
            list(text(self.rules)),
            _json_rows(self.contribution[:, :m]),
            _json_rows(self.potential[:, :m]),
            list(scores),
            [ops.adapt_datetimefield_value(computed_at)] * len(scores),
        ]
        names = [
            "account_id",
            "scope",
            "first_month_end",
            "months",
            "classes",
            "stages",
            "present",
            "strategy_rules",
            "contribution_cents",
            "potential_cents",
            "score",
            "computed_at",
        ]
        return names, list(zip(*columns, strict=True))


def _json_rows(values: npt.NDArray[Any]) -> list[str]:
    """Each row of a matrix as a JSON list (NaN as null), encoded in one call: the encoder
    writes the whole matrix and the text is cut at the rows' boundaries."""
    if values.shape[1] == 0:
        return ["[]"] * values.shape[0]
    text = json.dumps(values.tolist(), separators=(",", ":"))
    if values.dtype.kind == "f":
        text = text.replace("NaN", "null")  # no JSON number contains these letters
    return [f"[{row}]" for row in text[2:-2].split("],[")]
