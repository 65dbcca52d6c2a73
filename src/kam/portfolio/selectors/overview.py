"""The portfolio of one date: the list, the matrix and the Pareto ranking (DOMAIN §2, §3)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet, Sum

from kam.accounts.selectors import accounts_visible_to, sees_every_account
from kam.analytics import pareto
from kam.analytics.matrix import density_cells
from kam.core.paging import page_of, page_size
from kam.org.models import User
from kam.portfolio.models import (
    AccountClass,
    Scope,
    Snapshot,
)
from kam.portfolio.rules import rules_from
from kam.portfolio.selectors.dates import (
    StoredDate,
    latest_snapshot_date,
    stored_date_on_or_before,
)
from kam.portfolio.selectors.history import HistoryRow, history_rows
from kam.portfolio.selectors.settings import portfolio_settings

T = TypeVar("T")


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
    return as_of, _rows_on(actor, filters, as_of)


def _portfolio_at(
    actor: User, filters: PortfolioFilters, stored: StoredDate | None
) -> tuple[dt.date | None, QuerySet[Snapshot]]:
    """`portfolio()` on a full date already found (no second look-up of the date)."""
    if stored is None:
        return portfolio(actor=actor, filters=filters)
    return stored.day, _rows_on(actor, filters, stored.day)


def _rows_on(actor: User, filters: PortfolioFilters, as_of: dt.date) -> QuerySet[Snapshot]:
    """The snapshot rows of `as_of` the actor may see, with the filters, largest first."""
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
    return rows.order_by("-contribution_cents", "account__code")


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
    margin_cents: int | None  # None on a month end of the monthly history (not kept)
    share_of_wallet: float | None
    contribution_level: str
    potential_level: str
    relative_rule: bool
    potential_missing: bool | None  # None where the flag was not kept
    potential_below_contribution: bool | None
    reclassified: bool = False  # the current settings would class it otherwise


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
    full: bool = True  # a scored date; False: a month end of the monthly history


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
    "contribution_level",
    "potential_level",
    "relative_rule",
    "potential_missing",
    "potential_below_contribution",
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
    return _totals_of(
        list(rows.order_by().values_list("account_class", "potential_cents", "contribution_cents"))
    )


def _totals_of(points: Sequence[tuple[str, int, int]]) -> MatrixTotals:
    """The totals of (class, potential, contribution) points."""
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


def stored_date(
    filters: PortfolioFilters, dates: Sequence[StoredDate] | None = None
) -> StoredDate | None:
    """The date the matrix and the Pareto curve show for `filters.as_of` (§3): the latest
    scored date or month end of the monthly history on or before it, from `dates` (newest
    first, `stored_dates()`) when the caller has read them already."""
    if dates is None:
        return stored_date_on_or_before(filters.as_of, scope=filters.scope)
    return next((d for d in dates if filters.as_of is None or d.day <= filters.as_of), None)


def _history_bubble(row: HistoryRow) -> MatrixBubble:
    return MatrixBubble(
        row.account_id,
        row.account.code,
        row.account.name,
        row.account_class,
        row.lifecycle,
        row.potential_cents,
        row.contribution_cents,
        None,
        row.share_of_wallet,
        row.contribution_level,
        row.potential_level,
        row.relative_rule,
        None,
        None,
        row.reclassified,
    )


def _plotted(row: HistoryRow) -> bool:
    return row.contribution_cents > 0 and row.potential_cents > 0


def _history_matrix(actor: User, filters: PortfolioFilters, day: dt.date) -> MatrixData:
    """The matrix of a month end of the monthly history: its rows read once."""
    rows = history_rows(actor=actor, filters=filters, day=day)
    totals = _totals_of([(r.account_class, r.potential_cents, r.contribution_cents) for r in rows])
    plotted = [r for r in rows if _plotted(r)]
    dense = totals.plotted > MATRIX_DENSITY_FROM
    drawn = plotted[:MATRIX_BUBBLES] if dense else plotted
    return MatrixData(day, totals, [_history_bubble(r) for r in drawn], dense=dense, full=False)


def matrix_data(
    *, actor: User, filters: PortfolioFilters, dates: Sequence[StoredDate] | None = None
) -> MatrixData:
    """The portfolio's totals and bubbles in a bounded number of queries, whatever its size;
    the totals of a date are counted once for everyone who sees every account. A month end
    kept only in the monthly history is drawn from it (§3)."""
    stored = stored_date(filters, dates)
    if stored is not None and not stored.full:
        return _history_matrix(actor, filters, stored.day)
    as_of, rows = _portfolio_at(actor, filters, stored)
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


def _inside(row: HistoryRow, region: MatrixRegion) -> bool:
    sides = (
        (region.potential_min, row.potential_cents, region.potential_max),
        (region.contribution_min, row.contribution_cents, region.contribution_max),
    )
    return all((low is None or low <= v) and (high is None or v <= high) for low, v, high in sides)


def matrix_region(
    *, actor: User, filters: PortfolioFilters, region: MatrixRegion, limit: int
) -> tuple[dt.date | None, int, Sequence[Any]]:
    """The visible plotted accounts inside `region` (§3, §13): the date, how many there are,
    and the largest `limit` of them by contribution (at most MATRIX_REGION_MOST); snapshot
    rows, or HistoryRow on a month end of the monthly history."""
    most = max(1, min(limit, MATRIX_REGION_MOST))
    stored = stored_date(filters)
    if stored is not None and not stored.full:
        found = [
            r
            for r in history_rows(actor=actor, filters=filters, day=stored.day)
            if _plotted(r) and _inside(r, region)
        ]
        return stored.day, len(found), found[:most]
    as_of, rows = _portfolio_at(actor, filters, stored)
    bounds = {
        "potential_cents__gte": region.potential_min,
        "potential_cents__lte": region.potential_max,
        "contribution_cents__gte": region.contribution_min,
        "contribution_cents__lte": region.contribution_max,
    }
    inside = rows.filter(_PLOTTED, **{k: v for k, v in bounds.items() if v is not None})
    return as_of, inside.count(), list(inside[:most])


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
    *,
    actor: User,
    filters: PortfolioFilters,
    page: str | None,
    per_page: str | None = None,
    dates: Sequence[StoredDate] | None = None,
) -> Page:
    """One bounded page of the portfolio's rows, largest contribution first, holding what
    the matrix's table shows (the rest of a snapshot's 44 columns is not read); on a month
    end of the monthly history, a page of its HistoryRow."""
    stored = stored_date(filters, dates)
    if stored is not None and not stored.full:
        found = history_rows(actor=actor, filters=filters, day=stored.day)
        return Paginator(found, page_size(per_page)).get_page(page)
    rows = _portfolio_at(actor, filters, stored)[1].select_related(None).select_related("account")
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
    full: bool = True  # a scored date; False: a month end of the monthly history


def _history_pareto(
    actor: User, filters: PortfolioFilters, day: dt.date, top: int
) -> ParetoRanking:
    """The Pareto ranking of a month end of the monthly history, ranked again from its
    kept contribution with the current settings (§2)."""
    rows = history_rows(actor=actor, filters=filters, day=day)
    rules = rules_from(portfolio_settings())
    ranked = pareto.rank(
        np.array([r.contribution_cents for r in rows], dtype=np.int64),
        np.array([r.active for r in rows], dtype=bool),
        np.array([r.account.code for r in rows], dtype=str),
        rules.pareto_revenue_share,
        rules.pareto_max_account_share,
    )
    order = sorted(np.flatnonzero(ranked.rank).tolist(), key=lambda i: int(ranked.rank[i]))
    candidates = [i for i in order if ranked.candidate[i]]
    return ParetoRanking(
        day,
        [
            ParetoRow(
                rows[i].account.code,
                rows[i].account.name,
                rows[i].contribution_cents,
                float(ranked.cumulative_share[i]),
                bool(ranked.candidate[i]),
                False,
            )
            for i in order[:top]
        ],
        ranked=len(order),
        candidates=len(candidates),
        candidate_cents=sum(rows[i].contribution_cents for i in candidates),
        total_cents=sum(rows[i].contribution_cents for i in order),
        full=False,
    )


def pareto_ranking(
    *,
    actor: User,
    filters: PortfolioFilters,
    top: int,
    dates: Sequence[StoredDate] | None = None,
) -> ParetoRanking:
    """The visible accounts with a Pareto rank: the first `top` in rank order, and the counts
    and contribution of all of them (in the database, whatever the portfolio's size; for
    those who see every account, once per date and scoring run). A month end kept only in
    the monthly history is ranked from it."""
    stored = stored_date(filters, dates)
    if stored is not None and not stored.full:
        return _history_pareto(actor, filters, stored.day, top)
    as_of, rows = _portfolio_at(actor, filters, stored)
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
