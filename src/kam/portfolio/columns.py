"""The portfolio's columns of the account list, registered in PortfolioConfig.ready().

Each account row carries its latest snapshot's figures (the legal entity on its own, as the
matrix shows it by default): revenue of the last 12 months (the contribution C, §2), class
(§3) and strategy (§6: the manager's override in force, else the recommendation). Each is one
subquery of the list's own query, served by the snapshot index on (account, as_of).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kam.accounts.columns import ListColumn
from kam.portfolio.models import Scope, Snapshot, StrategyOverride


def _latest(field: str) -> Subquery:
    rows = Snapshot.objects.filter(account=OuterRef("pk"), scope=Scope.ENTITY).order_by("-as_of")
    return Subquery(rows.values(field)[:1])


def _revenue() -> dict[str, Any]:
    return {"portfolio_revenue_cents": _latest("contribution_cents")}


def _class() -> dict[str, Any]:
    return {"portfolio_class": _latest("account_class")}


def _strategy() -> dict[str, Any]:
    override = StrategyOverride.objects.filter(
        account=OuterRef("pk"), withdrawn_at__isnull=True
    ).order_by("-decided_at", "-id")
    return {
        "portfolio_strategy": Coalesce(
            Subquery(override.values("strategy")[:1]), _latest("strategy")
        )
    }


REVENUE_COLUMN = ListColumn(
    key="revenue",
    label=_("Revenue, 12 months"),
    order=10,
    annotations=_revenue,
    sort_by="portfolio_revenue_cents",
    template="portfolio/columns/revenue.html",
    numeric=True,
)
CLASS_COLUMN = ListColumn(
    key="class",
    label=_("Class"),
    order=20,
    annotations=_class,
    sort_by="portfolio_class",
    template="portfolio/columns/class.html",
    legend="portfolio/columns/class_legend.html",
)
STRATEGY_COLUMN = ListColumn(
    key="strategy",
    label=_("Strategy"),
    order=30,
    annotations=_strategy,
    sort_by="portfolio_strategy",
    template="portfolio/columns/strategy.html",
)
LIST_COLUMNS = (REVENUE_COLUMN, CLASS_COLUMN, STRATEGY_COLUMN)
