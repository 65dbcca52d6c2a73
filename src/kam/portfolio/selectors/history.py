"""The portfolio on a month end kept only in the monthly history (DOMAIN §2, §3, §6).

The monthly history keeps per account and month end its class, lifecycle stage, strategy
rule, contribution, effective potential, score and whether it counts in the portfolio; not
its margin, its potential estimate and the flags of the potential rules, its Pareto rank or
its key status. The levels of §3 are derived again from the kept figures and the current
settings; the kept class stays the account's class.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from django.db.models import BigIntegerField, FloatField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext_lazy

from kam.accounts.selectors import accounts_visible_to, sees_every_account
from kam.analytics import matrix
from kam.core.errors import InvalidInput
from kam.core.months import month_index
from kam.org.models import User
from kam.portfolio.models import Lifecycle, MonthlyHistory, Strategy
from kam.portfolio.rules import rules_from
from kam.portfolio.selectors.settings import portfolio_settings

if TYPE_CHECKING:
    from kam.portfolio.selectors.overview import PortfolioFilters

STAGES = {stage.value[0]: stage.value for stage in Lifecycle}
# The strategy of each rule of §6; R3 is acquisition while the account is itself in acquisition.
_RULE_STRATEGY = {
    "1": Strategy.ACQUISITION,
    "2": Strategy.WIN_BACK,
    "3": Strategy.PROMOTION,
    "4": Strategy.RETENTION,
    "5": Strategy.WAIT_AND_SEE,
}
ERROR_NOT_KEPT = gettext_lazy("%(field)s is not kept for month ends of the monthly history.")
# The filters the monthly history cannot answer (nothing kept to filter on).
NOT_KEPT_FILTERS = ("is_key", "proposed")


class AccountName(NamedTuple):
    """What a month end's row shows of its account."""

    pk: int
    code: str
    name: str


@dataclass(frozen=True)
class HistoryRow:
    """One account on a month end of the monthly history, named like a Snapshot's fields so
    that the matrix, its table and the API read either; what was not kept is None."""

    account: AccountName
    account_id: int
    account_class: str
    lifecycle: str
    strategy: str
    strategy_rule: str
    contribution_cents: int
    potential_cents: int
    share_of_wallet: float | None
    score: float | None
    active: bool
    contribution_level: str
    potential_level: str
    relative_rule: bool
    reclassified: bool  # the current settings would give another class than the kept one
    margin_cents: None = None
    potential_missing: None = None
    potential_below_contribution: None = None
    potential_stale: None = None
    is_key: None = None
    key_proposal: None = None
    pareto_rank: int | None = None
    cumulative_share: float | None = None
    pareto_candidate: bool = False


def _at(index: int, field: str, kind: Any = None) -> Cast:
    """Item `index` of a JSON list column as a number, read by the database."""
    return Cast(KeyTextTransform(str(index), field), kind or BigIntegerField())


def _check_filters(filters: PortfolioFilters) -> None:
    for name in NOT_KEPT_FILTERS:
        if getattr(filters, name, None) is not None:
            raise InvalidInput(str(ERROR_NOT_KEPT % {"field": name}), field=name)


def history_rows(*, actor: User, filters: PortfolioFilters, day: dt.date) -> list[HistoryRow]:
    """The visible accounts on month end `day` of the monthly history with the portfolio's
    filters (`PortfolioFilters`), largest contribution first, ties by code (§2, §13).

    Raises InvalidInput naming a filter the history cannot answer (key status, proposals).
    """
    _check_filters(filters)
    rows = MonthlyHistory.objects.filter(scope=filters.scope)
    if not sees_every_account(actor):
        rows = rows.filter(account__in=accounts_visible_to(actor))
    on_account = {
        "account__owner_id": filters.owner_id,
        "account__industry": filters.industry,
        "account__region": filters.region,
    }
    rows = rows.filter(**{k: v for k, v in on_account.items() if v is not None})
    month = month_index(day)
    picked: list[tuple[Any, ...]] = []
    # A back-fill writes every row from one first month end; each group of rows is read with
    # the database picking the month's values, so no row's whole history is decoded here.
    for first in rows.values_list("first_month_end", flat=True).distinct().order_by():
        i = month - month_index(first)
        if i < 0:
            continue
        year_before = _at(i - 12, "contribution_cents") if i >= 12 else Value(0)
        picked += rows.filter(first_month_end=first, months__gt=i).values_list(
            "account_id",
            "account__code",
            "account__name",
            Substr("classes", i + 1, 1),
            Substr("stages", i + 1, 1),
            Substr("strategy_rules", i + 1, 1),
            _at(i, "contribution_cents"),
            _at(i, "potential_cents"),
            _at(i, "score", FloatField()),
            year_before,
        )
    if not picked:
        return []
    contribution = np.array([int(r[6]) for r in picked], dtype=np.int64)
    potential = np.array([int(r[7]) for r in picked], dtype=np.int64)
    # The contribution of the 12 months before is the kept one a year earlier; the history
    # starts at the ledger's first month, so before it there was none (§2 active).
    before = np.array([int(r[9] or 0) for r in picked], dtype=np.int64)
    levels = matrix.classify(
        contribution, potential, np.zeros(len(picked)), rules_from(portfolio_settings())
    )
    found = []
    for n, (pk, code, name, klass, letter, rule, _c, _p, score, _b) in enumerate(picked):
        stage = STAGES.get(letter, Lifecycle.MATURITY.value)
        strategy = _RULE_STRATEGY.get(rule, Strategy.WAIT_AND_SEE)
        if rule == "3" and stage == Lifecycle.ACQUISITION:
            strategy = Strategy.ACQUISITION
        found.append(
            HistoryRow(
                account=AccountName(pk, code, name),
                account_id=pk,
                account_class=klass,
                lifecycle=stage,
                strategy=strategy.value,
                strategy_rule=f"R{rule}",
                contribution_cents=int(contribution[n]),
                potential_cents=int(potential[n]),
                share_of_wallet=float(levels.share_of_wallet[n]) if potential[n] > 0 else None,
                score=None if score is None or math.isnan(score) else float(score),
                active=bool(contribution[n] + before[n] > 0),
                contribution_level=str(levels.contribution_level[n]),
                potential_level=str(levels.potential_level[n]),
                relative_rule=bool(levels.relative_rule[n]),
                reclassified=str(levels.account_class[n]) != klass,
            )
        )
    narrowed = [
        r
        for r in found
        if filters.account_class in {None, r.account_class}
        and filters.lifecycle in {None, r.lifecycle}
        and filters.strategy in {None, r.strategy}
    ]
    narrowed.sort(key=lambda r: (-r.contribution_cents, r.account.code))
    return narrowed
