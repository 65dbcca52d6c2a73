"""The portfolio engine on arrays: one scope's snapshot as of a date (DOMAIN §2–§6).

The apps read the ledger's monthly aggregates, the accounts and their estimates and costs into
`PortfolioInputs` once per run; every date of the run is then array work here: roll groups up
(`group_scope`), take trailing windows (`WindowSums`), apply the potential rules
(`scope_potential`), classify, rank, score, stage and recommend (`compute`). The results go
back to the apps as one array per snapshot column (`Result`), month ends as a
`MonthlyHistoryArrays`, and class drops through a `MigrationWatch`.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kam.analytics import causes, matrix, pareto, strategy
from kam.analytics import investment as investment_core
from kam.analytics import lifecycle as lifecycle_core
from kam.analytics import score as score_core
from kam.analytics.rules import Rules

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

# The two scopes of a snapshot (the values of kam.portfolio.models.Scope).
ENTITY = "entity"
GROUP = "group"


# Calendar months as DOMAIN "Months" counts them (the same arithmetic as kam.core.months,
# which the pure core may not import).
def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def month_end(index: int) -> dt.date:
    """The last day of the month with this `month_index`."""
    following = index + 1
    return dt.date(following // 12, following % 12 + 1, 1) - dt.timedelta(days=1)


def last_month_end(as_of: dt.date) -> dt.date:
    """The last day of the last calendar month ending on or before `as_of`."""
    if (as_of + dt.timedelta(days=1)).day == 1:
        return as_of
    return as_of.replace(day=1) - dt.timedelta(days=1)


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
    ages: FloatArray = np.where(
        anniversary_day > as_of.day,
        months - 0.5,
        months + np.where(anniversary_day < as_of.day, 0.5, 0.0),
    )
    return ages


def top_parents(parent: IntArray) -> IntArray:
    """The row of each account's top parent, at any depth (itself when it has none).

    `parent` is each account's parent row, −1 for none. A cycle (which the apps refuse) stops
    after one lap instead of looping."""
    parents: list[int] = parent.tolist()
    roots = np.arange(len(parents), dtype=np.int64)
    for start in range(len(parents)):
        row, seen = start, 0
        while parents[row] >= 0 and seen <= len(parents):
            row, seen = parents[row], seen + 1
        roots[start] = row
    return roots


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
        sums: IntArray = self.prefix[:, stop] - self.prefix[:, start]
        return sums


@dataclass(frozen=True, eq=False)
class PortfolioInputs:
    """Everything a scoring run reads, for every account (one row each, in the apps' order):
    account × month arrays in cents with column 0 being month `base` (the aggregates and the
    cost to serve), the ratings, key status and parent, and the potential estimates."""

    account_ids: IntArray
    codes: StrArray
    parent: IntArray  # row of each account's parent, −1: none
    base: int  # month_index of column 0
    revenue: IntArray
    cost: IntArray
    costed_revenue: IntArray
    cost_to_serve: IntArray
    strategic_importance: FloatArray  # NaN: not rated
    technical_fit: FloatArray
    credit_reputation: FloatArray
    is_key: BoolArray
    # Potential estimates sorted by account row, date and entry, one element each.
    estimate_row: IntArray
    estimate_date: tuple[dt.date, ...]
    estimate_cents: IntArray

    @property
    def width(self) -> int:
        return int(self.revenue.shape[1])

    @functools.cached_property
    def root(self) -> IntArray:
        """The row of each account's top parent (itself when it has none)."""
        return top_parents(self.parent)

    @functools.cached_property
    def revenue_sums(self) -> WindowSums:
        return WindowSums(self.revenue)

    @functools.cached_property
    def _estimate_days(self) -> tuple[IntArray, IntArray, IntArray]:
        dates = self.estimate_date
        return (
            np.array([d.toordinal() for d in dates], dtype=np.int64),
            np.array([month_index(d) for d in dates], dtype=np.int64),
            np.array([d.day for d in dates], dtype=np.int64),
        )

    def last_column(self, as_of: dt.date) -> int:
        """The column of the last month as of the date (DOMAIN months)."""
        return month_index(last_month_end(as_of)) - self.base

    def estimates_as_of(self, as_of: dt.date) -> tuple[IntArray, FloatArray, IntArray]:
        """Each account's latest estimate on or before the date (ties: latest entered):
        amount in cents, age in months (NaN: none) and its position in the estimate arrays
        (−1: none) (§2)."""
        ordinal, month, day = self._estimate_days
        n = self.account_ids.shape[0]
        amount = np.zeros(n, dtype=np.int64)
        age = np.full(n, np.nan)
        position = np.full(n, -1, dtype=np.int64)
        taken = np.flatnonzero(ordinal <= as_of.toordinal())
        if taken.size:
            rows = self.estimate_row[taken]
            # Sorted by account, date and entry: the last of each account's run wins.
            last = taken[np.concatenate((rows[1:] != rows[:-1], [True]))]
            rows = self.estimate_row[last]
            amount[rows] = self.estimate_cents[last]
            age[rows] = potential_age_months(month[last], day[last], as_of)
            position[rows] = last
        return amount, age, position

    def estimate_dates(self, position: IntArray) -> list[dt.date | None]:
        return [None if p < 0 else self.estimate_date[p] for p in position.tolist()]


@dataclass(frozen=True, eq=False)
class ScopeArrays:
    """One scope's rows: entities, or groups rolled up to their top parent (§2 groups)."""

    scope: str  # ENTITY or GROUP
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
    members: IntArray  # entity rows → scope row (identity for entities)
    top_rows: IntArray  # the entity row that stands for each scope row

    def __post_init__(self) -> None:
        for name in ("revenue", "cost", "costed_revenue", "cost_to_serve"):
            object.__setattr__(self, f"{name}_sums", WindowSums(getattr(self, name)))

    # Set in __post_init__ (typed here for readers and mypy).
    revenue_sums: WindowSums = field(init=False, repr=False, compare=False)
    cost_sums: WindowSums = field(init=False, repr=False, compare=False)
    costed_revenue_sums: WindowSums = field(init=False, repr=False, compare=False)
    cost_to_serve_sums: WindowSums = field(init=False, repr=False, compare=False)


def entity_scope(inputs: PortfolioInputs) -> ScopeArrays:
    """Every account as itself."""
    rows = np.arange(inputs.account_ids.shape[0], dtype=np.int64)
    return ScopeArrays(
        ENTITY,
        inputs.account_ids,
        inputs.codes,
        inputs.revenue,
        inputs.cost,
        inputs.costed_revenue,
        inputs.cost_to_serve,
        inputs.strategic_importance,
        inputs.technical_fit,
        inputs.credit_reputation,
        inputs.is_key,
        rows,
        rows,
    )


def group_scope(inputs: PortfolioInputs) -> ScopeArrays:
    """Top parents with every descendant's figures summed; standalone accounts as themselves
    (§2 groups). Ratings and key status are the top parent's."""
    top_rows = np.unique(inputs.root)
    position = np.full(inputs.account_ids.shape[0], -1, dtype=np.int64)
    position[top_rows] = np.arange(top_rows.size)
    members = position[inputs.root]

    def rolled(values: IntArray) -> IntArray:
        out = np.zeros((top_rows.size, values.shape[1]), dtype=np.int64)
        np.add.at(out, members, values)
        return out

    return ScopeArrays(
        GROUP,
        inputs.account_ids[top_rows],
        inputs.codes[top_rows],
        rolled(inputs.revenue),
        rolled(inputs.cost),
        rolled(inputs.costed_revenue),
        rolled(inputs.cost_to_serve),
        inputs.strategic_importance[top_rows],
        inputs.technical_fit[top_rows],
        inputs.credit_reputation[top_rows],
        inputs.is_key[top_rows],
        members,
        top_rows,
    )


@dataclass(frozen=True, eq=False)
class Potential:
    amount: IntArray  # the estimate used (cents); meaningless where age is NaN
    age: FloatArray  # NaN: no estimate
    position: IntArray  # the estimate's position in the inputs' arrays; −1: none or summed


def scope_potential(inputs: PortfolioInputs, scope: ScopeArrays, as_of: dt.date) -> Potential:
    """Potential of each scope row as of the date (§2): entities their own latest estimate; a
    group its parent's estimate when there is one, else the sum of its members' effective P
    (the group's own potential rules then run in classify, on the group's C)."""
    amount, age, position = inputs.estimates_as_of(as_of)
    if scope.scope == ENTITY:
        return Potential(amount, age, position)
    top = scope.top_rows
    own = ~np.isnan(age[top])
    known = ~np.isnan(age)
    member_c = inputs.revenue_sums(inputs.last_column(as_of), 12)
    member_p, _, _ = matrix.effective_potential(member_c, amount, known)
    summed = np.zeros(top.size, dtype=np.int64)
    np.add.at(summed, scope.members, member_p)
    oldest = np.full(top.size, np.nan)
    np.fmax.at(oldest, scope.members[known], age[known])
    return Potential(
        np.where(own, amount[top], summed).astype(np.int64),
        np.where(own, age[top], oldest),
        np.where(own, position[top], -1),
    )


@dataclass(frozen=True, eq=False)
class Result:
    """Every figure of one scope as of one date, one array per snapshot column (dates as a
    list), in the snapshot's column order."""

    scope: str
    as_of: dt.date
    columns: dict[str, Any]
    nulls: dict[str, BoolArray]  # where an integer column is NULL


class ClassCache:
    """Classes as of month ends, shared by the dates of a run (§6 R2 looks back 12 months)."""

    def __init__(self) -> None:
        self._classes: dict[tuple[str, int], StrArray] = {}

    def at_month_end(
        self, inputs: PortfolioInputs, scope: ScopeArrays, col: int, rules: Rules
    ) -> StrArray:
        key = (scope.scope, col)
        if key not in self._classes:
            day = month_end(inputs.base + col)
            c = scope.revenue_sums(col, 12)
            potential = scope_potential(inputs, scope, day)
            self._classes[key] = matrix.classify(
                c, potential.amount, potential.age, rules
            ).account_class
        return self._classes[key]


def compute(
    inputs: PortfolioInputs,
    scope: ScopeArrays,
    as_of: dt.date,
    rules: Rules,
    classes: ClassCache,
    churn_risk_high: BoolArray | None = None,
) -> Result:
    """The snapshot of every row of a scope as of a date (§2–§6)."""
    last = inputs.last_column(as_of)
    n = scope.account_ids.shape[0]
    revenue = scope.revenue[:, : last + 1] if last >= 0 else np.zeros((n, 1), dtype=np.int64)
    c = scope.revenue_sums(last, 12)
    c_prev = scope.revenue_sums(last - 12, 12)
    active = scope.revenue_sums(last, 24) > 0
    costed = scope.costed_revenue_sums(last, 12)
    margin = costed - scope.cost_sums(last, 12)
    with np.errstate(invalid="ignore", divide="ignore"):
        margin_pct = np.where(costed > 0, margin / np.where(costed > 0, costed, 1), np.nan)
        growth = np.where(c_prev > 0, c / np.where(c_prev > 0, c_prev, 1) - 1.0, np.nan)
    potential = scope_potential(inputs, scope, as_of)
    classified = matrix.classify(c, potential.amount, potential.age, rules)

    ranked = pareto.rank(
        c, active, scope.codes, rules.pareto_revenue_share, rules.pareto_max_account_share
    )
    has_estimate = ~np.isnan(potential.age)
    factors = {
        "contribution": score_core.percentile_rank(c.astype(np.float64), active),
        "potential": score_core.percentile_rank(
            classified.potential.astype(np.float64), active & has_estimate
        ),
        "growth": score_core.percentile_rank(growth, active & (c_prev > 0)),
        "margin": score_core.percentile_rank(margin_pct, active & ~np.isnan(margin_pct)),
        "strategic_importance": score_core.rating(scope.strategic_importance),
        "technical_fit": score_core.rating(scope.technical_fit),
        "credit_reputation": score_core.rating(scope.credit_reputation),
    }
    scored = score_core.score(factors, rules.weights)
    threshold = float(rules.key_score_threshold)
    proposal = (ranked.candidate | (scored.score >= threshold)) & (scope.credit_reputation != 1)

    first = lifecycle_core.first_revenue_month(revenue)
    stages = lifecycle_core.stage(revenue, first, rules)
    was_a_or_b = np.zeros(n, dtype=bool)
    for back in range(12):
        if last - back >= 0:
            was_a_or_b |= np.isin(
                classes.at_month_end(inputs, scope, last - back, rules), ("A", "B")
            )
    recommended = strategy.recommend(
        first == -1,
        classified.potential_level,
        classified.account_class,
        was_a_or_b,
        stages.stage,
        churn_risk_high if churn_risk_high is not None else np.zeros(n, dtype=bool),
    )
    invested = scope.cost_to_serve_sums(last, 12)
    evaluated = investment_core.evaluate(invested, c, margin, classified.account_class, rules)
    columns: dict[str, Any] = {
        "account_id": scope.account_ids,
        "active": active,
        "contribution_cents": c,
        "contribution_prev_cents": c_prev,
        "margin_cents": margin,
        "margin_pct": margin_pct,
        "growth": growth,
        "potential_estimate_cents": potential.amount,
        "potential_estimated_on": inputs.estimate_dates(potential.position),
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
        "is_key": scope.is_key,
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
    return Result(scope.scope, as_of, columns, nulls)


@dataclass(frozen=True, eq=False)
class MonthlyHistoryArrays:
    """One scope's monthly history (§2 --history): per account, one character per month in
    `classes` (A–D), `stages` (the lifecycle's first letter), `present` (1 where the account
    counts in the portfolio: revenue in the last 24 months or the 12 before) and
    `strategy_rules` (the rule's digit); and an (accounts × months) matrix of contribution,
    effective potential (cents) and score (NaN: none)."""

    scope: str
    account_ids: IntArray
    months: int
    classes: StrArray
    stages: StrArray
    present: StrArray
    strategy_rules: StrArray
    contribution: IntArray
    potential: IntArray
    score: FloatArray


class MonthlyHistoryBuilder:
    """Collects one scope's figures month end by month end, for the monthly history."""

    def __init__(self, scope: ScopeArrays, months: int) -> None:
        n = scope.account_ids.shape[0]
        self.scope = scope
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
        """The next month end's result, of this builder's scope."""
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

    def arrays(self) -> MonthlyHistoryArrays:
        """The months added so far."""
        m = self.filled

        def text(values: StrArray) -> StrArray:
            if m == 0:  # no month end before the date (an empty ledger): "" each
                return np.full(values.shape[0], "", dtype="<U1")
            # A C-ordered (n, m) array of single characters read as n strings of m.
            strings: StrArray = np.ascontiguousarray(values[:, :m]).view(f"<U{m}")[:, 0]
            return strings

        return MonthlyHistoryArrays(
            scope=self.scope.scope,
            account_ids=self.scope.account_ids,
            months=m,
            classes=text(self.classes),
            stages=text(self.stages),
            present=text(self.present),
            strategy_rules=text(self.rules),
            contribution=self.contribution[:, :m],
            potential=self.potential[:, :m],
            score=self.score[:, :m],
        )


class MigrationWatch:
    """Class drops (A/B → C/D, §3 migration) between consecutive entity results of a run,
    starting from the classes stored before its first date ("" where none), with the class
    inputs on either side of each drop so its cause can be told (§10, `causes.drop_causes`).
    """

    def __init__(
        self,
        previous: StrArray,
        inputs: causes.ClassInputs | None = None,
        previous_on: dt.date | None = None,
    ) -> None:
        self.previous = previous.astype("<U1")
        n = previous.shape[0]
        if inputs is None:
            inputs = causes.ClassInputs(
                np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
            )
        self.previous_inputs = inputs
        self.previous_on = previous_on.toordinal() if previous_on is not None else 0
        self.dropped_on = np.zeros(n, dtype=np.int64)  # date ordinal of the last drop; 0: none
        self.dropped_from = np.full(n, "", dtype="<U1")
        self.dropped_to = np.full(n, "", dtype="<U1")
        self.before_on = np.zeros(n, dtype=np.int64)  # date ordinal of the state before it
        self.before = causes.ClassInputs(
            inputs.contribution.copy(), inputs.estimate.copy(), inputs.has_estimate.copy()
        )
        self.after = causes.ClassInputs(
            inputs.contribution.copy(), inputs.estimate.copy(), inputs.has_estimate.copy()
        )

    def see(self, result: Result) -> None:
        """The next date's result, in date order."""
        cols = result.columns
        now = np.asarray(cols["account_class"])
        now_inputs = causes.ClassInputs(
            np.asarray(cols["contribution_cents"], dtype=np.int64),
            np.asarray(cols["potential_estimate_cents"], dtype=np.int64),
            ~np.asarray(cols["potential_missing"], dtype=bool),
        )
        drop = np.isin(self.previous, ("A", "B")) & np.isin(now, ("C", "D"))
        self.dropped_on[drop] = result.as_of.toordinal()
        self.dropped_from[drop] = self.previous[drop]
        self.dropped_to[drop] = now[drop]
        self.before_on[drop] = self.previous_on
        for side, state in ((self.before, self.previous_inputs), (self.after, now_inputs)):
            side.contribution[drop] = state.contribution[drop]
            side.estimate[drop] = state.estimate[drop]
            side.has_estimate[drop] = state.has_estimate[drop]
        self.dropped_on[np.isin(now, ("A", "B"))] = 0  # back up: the drop is over
        self.previous = now
        self.previous_inputs = now_inputs
        self.previous_on = result.as_of.toordinal()

    def drops_since(self, start: dt.date) -> BoolArray:
        """Rows whose last drop, not since recovered, came after the date."""
        dropped: BoolArray = self.dropped_on > start.toordinal()
        return dropped

    def dropped_date(self, row: int) -> str:
        return dt.date.fromordinal(int(self.dropped_on[row])).isoformat()

    def before_date(self, row: int) -> str | None:
        """The date of the state the row dropped from (None: not known)."""
        ordinal = int(self.before_on[row])
        return dt.date.fromordinal(ordinal).isoformat() if ordinal else None

    def drop_causes(self, rules: Rules) -> StrArray:
        """The cause of each row's last drop (meaningful where a drop was seen)."""
        return causes.drop_causes(self.before, self.after, rules)
