"""Reads of the portfolio, every one through the visibility rule (DOMAIN §13)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np
import numpy.typing as npt
from django.core.cache import cache
from django.core.paginator import Page
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account, PotentialEstimate
from kam.accounts.selectors import accounts_visible_to, sees_every_account
from kam.analytics.matrix import density_cells
from kam.core.money import decimal_to_cents
from kam.core.months import month_end, month_index
from kam.core.paging import page_of
from kam.core.workers import JobWait, job_wait
from kam.org.models import COMPANY_SETTINGS_FIELDS, User
from kam.org.selectors import company_settings
from kam.portfolio.models import (
    SETTINGS_FIELDS,
    AccountClass,
    CostToServe,
    KeyProposalDecision,
    MonthlyHistory,
    Playbook,
    PortfolioSettings,
    Scope,
    ScoreRun,
    ScoreRunStatus,
    Snapshot,
    Strategy,
    StrategyOverride,
)

T = TypeVar("T")


def portfolio_settings() -> PortfolioSettings:
    """The one settings row (created with the defaults of DOMAIN §2–§6 when absent)."""
    settings, _ = PortfolioSettings.objects.get_or_create(pk=1)
    return settings


@dataclass(frozen=True)
class SettingsChange:
    """One saved change of the settings: when, who, and each field's old and new value."""

    history_date: dt.datetime
    history_user: User | None
    changes: list[tuple[str, object, object]]  # (field's label, old value, new value)
    first: bool  # the first record, holding the defaults unchanged


def _settings_changes(history: Any, limit: int) -> list[SettingsChange]:
    """Each record against the one before it, compared in memory (one query per model)."""
    records = list(history.select_related("history_user").order_by("-history_date")[: limit + 1])
    model = history.model.instance_type
    fields = [f for f in model._meta.concrete_fields if f.name not in {"id", "updated_at"}]
    defaults = model()  # the oldest record is compared with the defaults it replaced
    found: list[SettingsChange] = []
    for record, previous in zip(records[:limit], [*records[1:], None], strict=False):
        before = previous if previous is not None else defaults
        changes = [
            (str(f.verbose_name), getattr(before, f.attname), getattr(record, f.attname))
            for f in fields
            if getattr(before, f.attname) != getattr(record, f.attname)
        ]
        found.append(
            SettingsChange(
                record.history_date, record.history_user, changes, not changes and previous is None
            )
        )
    return found


def settings_history(*, limit: int = 20) -> list[SettingsChange]:
    """The latest changes of the portfolio's and the company's settings, newest first, each
    with the fields it changed."""
    changes = [
        *_settings_changes(portfolio_settings().history, limit),
        *_settings_changes(company_settings().history, limit),
    ]
    return sorted(changes, key=lambda change: change.history_date, reverse=True)[:limit]


def settings_read() -> dict[str, Any]:
    """The company's settings and the portfolio's as one record, as the API shows them."""
    company, portfolio = company_settings(), portfolio_settings()
    return {
        **{name: getattr(company, name) for name in COMPANY_SETTINGS_FIELDS},
        **{name: getattr(portfolio, name) for name in SETTINGS_FIELDS},
        "updated_at": max(company.updated_at, portfolio.updated_at),
    }


def snapshot_dates(*, scope: str = Scope.ENTITY) -> list[dt.date]:
    """Every as-of date with a snapshot, newest first."""
    return list(
        Snapshot.objects.filter(scope=scope)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .distinct()
    )


def history_month_ends(*, scope: str = Scope.ENTITY) -> list[dt.date]:
    """The month ends of the monthly history (the last back-fill), newest first."""
    row = (
        MonthlyHistory.objects.filter(scope=scope).values_list("first_month_end", "months").first()
    )
    if row is None:
        return []
    first = month_index(row[0])
    return [month_end(first + i) for i in range(row[1] - 1, -1, -1)]


def migration_dates(*, scope: str = Scope.ENTITY) -> list[dt.date]:
    """Dates whose classes are stored: full snapshots and the monthly history, newest first."""
    return sorted(set(snapshot_dates(scope=scope)) | set(history_month_ends(scope=scope)))[::-1]


def _monthly_history_states(
    day: dt.date, scope: str, accounts: QuerySet[Account] | None
) -> dict[int, tuple[str, str, bool]] | None:
    """(class, lifecycle letter, present) per account at a month end of the monthly history;
    None when the history does not hold the day."""
    if day not in history_month_ends(scope=scope):
        return None
    rows = MonthlyHistory.objects.filter(scope=scope)
    if accounts is not None:
        rows = rows.filter(account__in=accounts)
    found: dict[int, tuple[str, str, bool]] = {}
    for pk, first, classes, stages, present in rows.values_list(
        "account_id", "first_month_end", "classes", "stages", "present"
    ):
        i = month_index(day) - month_index(first)
        found[pk] = (classes[i], stages[i], present[i] == "1")
    return found


def stored_classes_before(day: dt.date, *, scope: str = Scope.ENTITY) -> dict[int, str]:
    """Each account's class on the latest date before `day` that kam stored: a full snapshot
    or a month end of the monthly history (§3 class drops)."""
    candidates = [d for d in migration_dates(scope=scope) if d < day]
    if not candidates:
        return {}
    stored = dict(
        Snapshot.objects.filter(scope=scope, as_of=candidates[0]).values_list(
            "account_id", "account_class"
        )
    )
    if stored:
        return stored
    history = _monthly_history_states(candidates[0], scope, None) or {}
    return {pk: state[0] for pk, state in history.items()}


# The inputs of a scoring run besides the ledger's aggregates (kam.analytics.portfolio), read
# for every account: a run scores the whole portfolio, whoever asked for it.


@dataclass(frozen=True, eq=False)
class ScoringAccounts:
    """Every account in primary-key order: code, parent row (−1: none), ratings (NaN: not
    rated) and key status."""

    ids: list[int]
    codes: npt.NDArray[np.str_]
    parent: npt.NDArray[np.int64]
    strategic_importance: npt.NDArray[np.float64]
    technical_fit: npt.NDArray[np.float64]
    credit_reputation: npt.NDArray[np.float64]
    is_key: npt.NDArray[np.bool_]


def scoring_accounts() -> ScoringAccounts:
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
    ids = [int(row[0]) for row in accounts]
    index_of = {pk: i for i, pk in enumerate(ids)}

    def rating(position: int) -> npt.NDArray[np.float64]:
        return np.array(
            [np.nan if row[position] is None else float(row[position]) for row in accounts]  # type: ignore[arg-type]
        )

    return ScoringAccounts(
        ids=ids,
        codes=np.array([row[1] for row in accounts], dtype=str),
        parent=np.array(
            [index_of.get(row[2], -1) if row[2] else -1 for row in accounts], dtype=np.int64
        ),
        strategic_importance=rating(3),
        technical_fit=rating(4),
        credit_reputation=rating(5),
        is_key=np.array([bool(row[6]) for row in accounts], dtype=bool),
    )


@dataclass(frozen=True, eq=False)
class EstimateArrays:
    """Potential estimates sorted by account row, date and entry (§2): one element each."""

    row: npt.NDArray[np.int64]
    estimated_on: tuple[dt.date, ...]
    cents: npt.NDArray[np.int64]


def potential_estimate_arrays(*, account_ids: Sequence[int]) -> EstimateArrays:
    """Every estimate, `row` being its account's position in `account_ids` (in key order)."""
    index_of = {pk: i for i, pk in enumerate(account_ids)}
    # Accounts are in primary-key order, so ordering by account_id is ordering by row.
    estimates = list(
        PotentialEstimate.objects.order_by(
            "account_id", "estimated_on", "created_at", "pk"
        ).values_list("account_id", "estimated_on", "amount")
    )
    return EstimateArrays(
        row=np.array([index_of[row[0]] for row in estimates], dtype=np.int64),
        estimated_on=tuple(row[1] for row in estimates),
        cents=np.array([decimal_to_cents(row[2]) for row in estimates], dtype=np.int64),
    )


def cost_to_serve_arrays(
    *, account_ids: Sequence[int], base: int, width: int
) -> npt.NDArray[np.int64]:
    """Cost to serve in cents per account row and month, column 0 being the month with
    `month_index` `base` (§4); months outside the columns are left out, so a stray old cost
    record cannot widen every array."""
    index_of = {pk: i for i, pk in enumerate(account_ids)}
    costs = list(
        CostToServe.objects.values("account_id", "month")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "month", "total")
    )
    cost_to_serve = np.zeros((len(account_ids), width), dtype=np.int64)
    if costs:
        rows = np.array([index_of[row[0]] for row in costs], dtype=np.int64)
        cols = np.array([month_index(row[1]) - base for row in costs], dtype=np.int64)
        keep = (cols >= 0) & (cols < width)
        values = np.array([decimal_to_cents(Decimal(row[2])) for row in costs], dtype=np.int64)
        np.add.at(cost_to_serve, (rows[keep], cols[keep]), values[keep])
    return cost_to_serve


def latest_snapshot_date(*, on_or_before: dt.date | None = None) -> dt.date | None:
    dates = Snapshot.objects.filter(scope=Scope.ENTITY)
    if on_or_before is not None:
        dates = dates.filter(as_of__lte=on_or_before)
    return dates.order_by("-as_of").values_list("as_of", flat=True).first()


@dataclass(frozen=True)
class PortfolioFilters:
    """What the portfolio page, the API and the report filter by; names as on the API."""

    as_of: dt.date | None = None
    scope: str = Scope.ENTITY
    account_class: str | None = None
    lifecycle: str | None = None
    strategy: str | None = None
    owner_id: int | None = None
    industry: str | None = None
    region: str | None = None
    is_key: bool | None = None
    proposed: bool | None = None


def portfolio(
    *, actor: User, filters: PortfolioFilters
) -> tuple[dt.date | None, QuerySet[Snapshot]]:
    """The snapshot rows of one date the actor may see (§2–§6): the latest date on or before
    `as_of` (the latest of all when not given)."""
    as_of = latest_snapshot_date(on_or_before=filters.as_of)
    if as_of is None:
        return None, Snapshot.objects.none()
    rows = Snapshot.objects.filter(as_of=as_of, scope=filters.scope)
    if not sees_every_account(actor):  # for the others the filter is the whole rule
        rows = rows.filter(account__in=accounts_visible_to(actor))
    rows = rows.select_related("account", "account__owner")
    exact = {
        "account_class": filters.account_class,
        "lifecycle": filters.lifecycle,
        "strategy": filters.strategy,
        "account__owner_id": filters.owner_id,
        "account__industry": filters.industry,
        "account__region": filters.region,
        "is_key": filters.is_key,
        "key_proposal": filters.proposed,
    }
    rows = rows.filter(**{name: value for name, value in exact.items() if value is not None})
    return as_of, rows.order_by("-contribution_cents", "account__code")


# Past this many plotted accounts the matrix draws the largest as bubbles and the rest as
# density: thousands of bubbles make a page of megabytes that the browser cannot read.
MATRIX_DENSITY_FROM = 500
MATRIX_BUBBLES = 200
MATRIX_REGION_MOST = 500  # accounts one region request of the matrix answers at most


class MatrixBubble(NamedTuple):
    """One account drawn as a bubble on the matrix (§3)."""

    account_id: int
    code: str
    name: str
    account_class: str
    lifecycle: str
    potential_cents: int
    contribution_cents: int
    margin_cents: int
    share_of_wallet: float | None


@dataclass(frozen=True)
class MatrixTotals:
    """What the matrix counts over every account of its rows (§3): accounts and contribution
    per class, the accounts off the log axes (no positive contribution or potential), and
    the plotted ones per log cell of `density_cells` (potential and contribution in currency
    units, DENSITY_CELLS_PER_DECADE to a decade)."""

    classes: dict[str, tuple[int, int]]
    hidden: int
    plotted: int
    cells: dict[tuple[int, int], int]


@dataclass(frozen=True)
class MatrixData:
    """The matrix of one date (§3): the totals of every visible account, and the rows drawn
    as bubbles (all plotted rows, or the largest by contribution past MATRIX_DENSITY_FROM)."""

    as_of: dt.date | None
    totals: MatrixTotals
    bubbles: list[MatrixBubble]
    dense: bool


_PLOTTED = Q(contribution_cents__gt=0, potential_cents__gt=0)  # positive on both log axes
# What a bubble shows (MatrixBubble's order); the rest of the snapshot is not read.
_BUBBLE_FIELDS = (
    "account_id",
    "account__code",
    "account__name",
    "account_class",
    "lifecycle",
    "potential_cents",
    "contribution_cents",
    "margin_cents",
    "share_of_wallet",
)
DENSITY_CELLS_PER_DECADE = 8  # the matrix's density cells on each log axis
# How long stored totals live unread; a new scoring run changes their key well before.
_TOTALS_SECONDS = 24 * 3600


def _stored_totals_key(
    kind: str, actor: User, filters: PortfolioFilters, as_of: dt.date
) -> str | None:
    """The cache key of a date's totals for `actor`, or None when they must be counted.

    Only readers who see every account share totals (the same rows for all of them, §13);
    a manager's are counted from their own rows, so nothing one sees reaches another. Filters
    on the account (owner, industry, region) are counted too: accounts change without a
    scoring run. The key holds the date's row count and latest `computed_at` (one covering
    index read), so a scoring run that rewrites the date, or a deleted account's rows, give
    a new key and the old totals are never read again."""
    if not sees_every_account(actor):
        return None
    if filters.owner_id is not None or filters.industry or filters.region:
        return None
    version = Snapshot.objects.filter(as_of=as_of, scope=filters.scope).aggregate(
        rows=Count("pk"), written=Max("computed_at")
    )
    parts = (
        kind,
        as_of.isoformat(),
        filters.scope,
        filters.account_class,
        filters.lifecycle,
        filters.strategy,
        filters.is_key,
        filters.proposed,
        version["rows"],
        version["written"].isoformat() if version["written"] else None,
    )
    return "portfolio-totals:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _stored(key: str | None, count: Callable[[], T]) -> T:
    """The totals under `key` from the cache, counted (and kept) when not there."""
    if key is None:
        return count()
    found = cache.get(key)
    if found is None:
        found = count()
        cache.set(key, found, _TOTALS_SECONDS)
    return cast(T, found)


def _matrix_totals(rows: QuerySet[Snapshot]) -> MatrixTotals:
    """Counts every row's class and log cell: one read of the date's points."""
    points = list(
        rows.order_by().values_list("account_class", "potential_cents", "contribution_cents")
    )
    classes, potential, contribution = list(zip(*points, strict=True)) or [(), (), ()]
    account_class = np.array(classes, dtype=str)
    potential_cents = np.array(potential, dtype=np.int64)
    contribution_cents = np.array(contribution, dtype=np.int64)
    plotted = (potential_cents > 0) & (contribution_cents > 0)
    return MatrixTotals(
        classes={
            klass: (int(np.count_nonzero(mine)), int(contribution_cents[mine].sum()))
            for klass in AccountClass.values
            for mine in [account_class == klass]
        },
        hidden=int(np.count_nonzero(~plotted)),
        plotted=int(np.count_nonzero(plotted)),
        cells=density_cells(
            potential_cents[plotted] / 100,
            contribution_cents[plotted] / 100,
            per_decade=DENSITY_CELLS_PER_DECADE,
        ),
    )


def matrix_data(*, actor: User, filters: PortfolioFilters) -> MatrixData:
    """The portfolio's totals and bubbles in a bounded number of queries, whatever its size;
    the totals of a date are counted once for everyone who sees every account."""
    as_of, rows = portfolio(actor=actor, filters=filters)
    if as_of is None:
        return MatrixData(None, _matrix_totals(rows), [], dense=False)
    key = _stored_totals_key("matrix", actor, filters, as_of)
    totals = _stored(key, lambda: _matrix_totals(rows))
    dense = totals.plotted > MATRIX_DENSITY_FROM
    bubbles = rows.filter(_PLOTTED).values_list(*_BUBBLE_FIELDS)
    return MatrixData(
        as_of,
        totals,
        [MatrixBubble(*row) for row in (bubbles[:MATRIX_BUBBLES] if dense else bubbles)],
        dense=dense,
    )


@dataclass(frozen=True)
class MatrixRegion:
    """A rectangle of the matrix in cents; a missing side is open."""

    potential_min: int | None = None
    potential_max: int | None = None
    contribution_min: int | None = None
    contribution_max: int | None = None


def matrix_region(
    *, actor: User, filters: PortfolioFilters, region: MatrixRegion, limit: int
) -> tuple[dt.date | None, int, QuerySet[Snapshot]]:
    """The visible plotted accounts inside `region` (§3, §13): the date, how many there are,
    and the largest `limit` of them by contribution (at most MATRIX_REGION_MOST)."""
    as_of, rows = portfolio(actor=actor, filters=filters)
    bounds = {
        "potential_cents__gte": region.potential_min,
        "potential_cents__lte": region.potential_max,
        "contribution_cents__gte": region.contribution_min,
        "contribution_cents__lte": region.contribution_max,
    }
    inside = rows.filter(_PLOTTED, **{k: v for k, v in bounds.items() if v is not None})
    return as_of, inside.count(), inside[: max(1, min(limit, MATRIX_REGION_MOST))]


_TABLE_FIELDS = (
    "account_id",
    "account__code",
    "account__name",
    "account_class",
    "contribution_cents",
    "potential_cents",
    "potential_missing",
    "potential_stale",
    "share_of_wallet",
    "lifecycle",
    "strategy",
    "strategy_rule",
    "score",
    "is_key",
    "key_proposal",
)


def portfolio_page(
    *, actor: User, filters: PortfolioFilters, page: str | None, per_page: str | None = None
) -> Page:
    """One bounded page of the portfolio's rows, largest contribution first, holding what
    the matrix's table shows (the rest of a snapshot's 44 columns is not read)."""
    rows = portfolio(actor=actor, filters=filters)[1].select_related(None).select_related("account")
    return page_of(rows.only(*_TABLE_FIELDS), page=page, per_page=per_page)


class ParetoRow(NamedTuple):
    """One ranked account of the Pareto curve (§2)."""

    code: str
    name: str
    contribution_cents: int
    cumulative_share: float | None
    pareto_candidate: bool
    is_key: bool


@dataclass(frozen=True)
class ParetoRanking:
    """The Pareto curve of one date (§2): the top of the ranking and the totals of all of it."""

    as_of: dt.date | None
    top: list[ParetoRow]
    ranked: int  # accounts with a Pareto rank
    candidates: int
    candidate_cents: int
    total_cents: int


def pareto_ranking(*, actor: User, filters: PortfolioFilters, top: int) -> ParetoRanking:
    """The visible accounts with a Pareto rank: the first `top` in rank order, and the counts
    and contribution of all of them (in the database, whatever the portfolio's size; for
    those who see every account, once per date and scoring run)."""
    as_of, rows = portfolio(actor=actor, filters=filters)
    ranked = rows.filter(pareto_rank__isnull=False)
    first = ranked.order_by("pareto_rank").values_list(
        "account__code",
        "account__name",
        "contribution_cents",
        "cumulative_share",
        "pareto_candidate",
        "is_key",
    )[:top]
    if as_of is None:
        return ParetoRanking(None, [], ranked=0, candidates=0, candidate_cents=0, total_cents=0)
    key = _stored_totals_key("pareto", actor, filters, as_of)
    totals = _stored(
        key,
        lambda: ranked.order_by().aggregate(
            ranked=Count("pk"),
            candidates=Count("pk", filter=Q(pareto_candidate=True)),
            candidate_cents=Sum("contribution_cents", filter=Q(pareto_candidate=True)),
            total_cents=Sum("contribution_cents"),
        ),
    )
    return ParetoRanking(
        as_of,
        [ParetoRow(*row) for row in first],
        ranked=totals["ranked"],
        candidates=totals["candidates"],
        candidate_cents=int(totals["candidate_cents"] or 0),
        total_cents=int(totals["total_cents"] or 0),
    )


def account_snapshots(*, account: Account, scope: str = Scope.ENTITY) -> QuerySet[Snapshot]:
    return account.snapshots.filter(scope=scope).order_by("-as_of")


@dataclass(frozen=True)
class HistoryMonth:
    """One month end of an account's monthly history (§2 --history)."""

    as_of: dt.date
    account_class: str
    lifecycle: str
    strategy_rule: str
    contribution_cents: int
    potential_cents: int
    score: float | None


_STAGES = {stage[0]: stage for stage in ("acquisition", "growth", "maturity", "decline", "lost")}


def account_monthly_history(*, account: Account, scope: str = Scope.ENTITY) -> list[HistoryMonth]:
    """The account's month ends from the last back-fill, oldest first (empty without one)."""
    history = MonthlyHistory.objects.filter(account=account, scope=scope).first()
    if history is None:
        return []
    first = month_index(history.first_month_end)
    return [
        HistoryMonth(
            as_of=month_end(first + i),
            account_class=history.classes[i],
            lifecycle=_STAGES[history.stages[i]],
            strategy_rule=f"R{history.strategy_rules[i]}",
            contribution_cents=history.contribution_cents[i],
            potential_cents=history.potential_cents[i],
            score=history.score[i],
        )
        for i in range(history.months)
    ]


def account_latest_snapshot(*, account: Account, scope: str = Scope.ENTITY) -> Snapshot | None:
    return account_snapshots(account=account, scope=scope).first()


def account_group_snapshot(*, account: Account) -> Snapshot | None:
    """The latest group figures (§1) of a parent account; None for an account without
    subsidiaries."""
    if not account.subsidiaries.exists():
        return None
    return account_latest_snapshot(account=account, scope=Scope.GROUP)


def account_strategy_override(*, account: Account) -> StrategyOverride | None:
    """The manager's override in force, if any (§6)."""
    return (
        account.strategy_overrides.filter(withdrawn_at__isnull=True)
        .select_related("decided_by")
        .first()
    )


def playbooks() -> QuerySet[Playbook]:
    """The playbooks in S1's order: acquisition, promotion, retention, win-back, wait-and-see."""
    order = Case(
        *(When(strategy=value, then=Value(i)) for i, value in enumerate(Strategy.values)),
        output_field=IntegerField(),
    )
    return Playbook.objects.prefetch_related("tactics").order_by(order)


def playbook_get(*, strategy: str) -> Playbook:
    return get_object_or_404(playbooks(), strategy=strategy)


def account_costs_to_serve(*, account: Account) -> QuerySet[CostToServe]:
    return account.costs_to_serve.select_related("created_by").order_by("-month", "kind", "-id")


def cost_to_serve_get(*, account: Account, cost_id: int) -> CostToServe:
    return get_object_or_404(account.costs_to_serve, pk=cost_id)


def key_proposals_pending(*, actor: User) -> QuerySet[Snapshot]:
    """Latest-snapshot accounts proposed as key (or due a key-status review) and not yet
    decided since that snapshot (§2, §6 R5)."""
    as_of = latest_snapshot_date()
    if as_of is None:
        return Snapshot.objects.none()
    # A decision holds for a year; after that the proposal comes back for a fresh look.
    decided_since = KeyProposalDecision.objects.filter(
        as_of__gt=as_of - dt.timedelta(days=365)
    ).values("account_id")
    rows = Snapshot.objects.filter(
        as_of=as_of, scope=Scope.ENTITY, account__in=accounts_visible_to(actor)
    ).exclude(account_id__in=decided_since)
    proposed = Q(key_proposal=True, account__is_key=False)
    review = Q(key_proposal=False, account__is_key=True, review_key_status=True)
    return (
        rows.filter(proposed | review)
        .select_related("account", "account__owner")
        .order_by("-score", "account__code")
    )


def key_proposal_decisions(*, actor: User) -> QuerySet[KeyProposalDecision]:
    return KeyProposalDecision.objects.filter(
        account__in=accounts_visible_to(actor)
    ).select_related("account", "decided_by")


def score_runs_visible_to(actor: User) -> QuerySet[ScoreRun]:
    """Scoring runs are the director's and administrator's business; an executive reads them
    as they read everything (§13)."""
    if not actor.is_authenticated or not actor.sees_all_accounts:
        return ScoreRun.objects.none()
    return ScoreRun.objects.select_related("created_by").order_by("-created_at")


def score_run_get(*, actor: User, run_id: object) -> ScoreRun:
    return get_object_or_404(score_runs_visible_to(actor), pk=run_id)


def score_run_wait(run: ScoreRun) -> JobWait:
    """A queued run's wait: whether a worker is live to take it, and for how long."""
    return job_wait(
        queued=run.status == ScoreRunStatus.QUEUED, since=run.queued_at or run.created_at
    )


@dataclass(frozen=True)
class AccountStrategy:
    """What the account page and the API show of an account's strategy (§6)."""

    snapshot: Snapshot | None
    override: StrategyOverride | None
    playbook: Playbook | None

    @property
    def as_of(self) -> dt.date | None:
        return self.snapshot.as_of if self.snapshot else None

    @property
    def recommended(self) -> str | None:
        return self.snapshot.strategy if self.snapshot else None

    @property
    def rule(self) -> str | None:
        return self.snapshot.strategy_rule if self.snapshot else None

    @property
    def strategy(self) -> str | None:
        return self.override.strategy if self.override else self.recommended

    @property
    def tactics(self) -> list[str]:
        return [t.text for t in self.playbook.tactics.all()] if self.playbook else []


def account_strategy(*, account: Account) -> AccountStrategy:
    snapshot = account_latest_snapshot(account=account)
    override = account_strategy_override(account=account)
    chosen = override.strategy if override else (snapshot.strategy if snapshot else None)
    playbook = playbooks().filter(strategy=chosen).first() if chosen else None
    return AccountStrategy(snapshot, override, playbook)


@dataclass(frozen=True)
class Migration:
    """Class migration between two stored dates (§3, §11): counts from → to, with "lost"."""

    start: dt.date
    end: dt.date
    counts: dict[tuple[str, str], int]

    @property
    def states(self) -> list[str]:
        return ["A", "B", "C", "D", "lost"]

    def matrix(self) -> list[tuple[str, list[int]]]:
        """Rows: the state at the start (and "new": no revenue yet then); columns: at the end."""
        return [
            (a, [self.counts.get((a, b), 0) for b in self.states]) for a in [*self.states, "new"]
        ]

    @property
    def drops(self) -> int:
        return sum(n for (a, b), n in self.counts.items() if a in "AB" and b in {"C", "D", "lost"})

    @property
    def upgrades(self) -> int:
        return sum(n for (a, b), n in self.counts.items() if a in {"C", "D"} and b in "AB")


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def migration_default_start(dates: list[dt.date], end: dt.date) -> dt.date:
    """The latest stored date a year or more before `end`, else the earliest (`dates` newest
    first, as migration_dates() gives them)."""
    return next((day for day in dates if day <= _year_before(end)), dates[-1])


def _state(account_class: str, lifecycle: str) -> str:
    return "lost" if lifecycle == "lost" else account_class


def class_migration(
    *, actor: User, start: dt.date, end: dt.date, scope: str = Scope.ENTITY
) -> Migration:
    """Accounts by class at two snapshot dates; accounts without revenue ever are left out."""
    visible = accounts_visible_to(actor)

    def states(day: dt.date) -> dict[int, str]:
        # Full snapshots where the date has them, else the month end of the monthly history.
        history = None
        if not Snapshot.objects.filter(as_of=day, scope=scope).exists():
            history = _monthly_history_states(day, scope, visible)
        if history is not None:
            return {
                pk: "lost" if stage == "l" else klass
                for pk, (klass, stage, present) in history.items()
                if present or stage == "l"
            }
        rows = Snapshot.objects.filter(as_of=day, scope=scope, account__in=visible).values_list(
            "account_id", "account_class", "lifecycle", "active", "contribution_prev_cents"
        )
        return {
            pk: _state(klass, stage)
            for pk, klass, stage, active, prev in rows
            if active or stage == "lost" or prev
        }

    before, after = states(start), states(end)
    counts: dict[tuple[str, str], int] = {}
    for pk, state in before.items():
        key = (state, after.get(pk, "lost"))
        counts[key] = counts.get(key, 0) + 1
    for pk, state in after.items():
        if pk not in before:
            counts[("new", state)] = counts.get(("new", state), 0) + 1
    return Migration(start, end, counts)
