"""The relationship map's figures on the account list and the portfolio's rows (§7),
registered in RelationshipsConfig.ready(): each account's latest point of the series —
overall closeness, coverage and the number of gaps — as one subquery of the list's own
query (served by the series index on account and recorded time), so neither the page's nor
the API's query count grows with its rows."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from kam.accounts.columns import ListColumn
from kam.relationships.models import RelationshipScore


def latest_point(field: str, account: str = "pk") -> Subquery:
    """`field` of the latest point of the series of the account `account` names in the
    outer query ("pk" on accounts, "account_id" on the portfolio's snapshot rows)."""
    rows = RelationshipScore.objects.filter(account=OuterRef(account)).order_by(
        "-recorded_at", "-id"
    )
    return Subquery(rows.values(field)[:1])


def _closeness() -> dict[str, Any]:
    return {"relationships_closeness": latest_point("overall_closeness")}


def _coverage() -> dict[str, Any]:
    return {"relationships_coverage": latest_point("coverage")}


def _gaps() -> dict[str, Any]:
    return {"relationships_gap_count": latest_point("gap_count")}


CLOSENESS_COLUMN = ListColumn(
    key="closeness",
    label=_("Closeness"),
    order=40,
    annotations=_closeness,
    sort_by="relationships_closeness",
    template="relationships/columns/closeness.html",
    numeric=True,
    legend="relationships/columns/legend.html",
)
COVERAGE_COLUMN = ListColumn(
    key="coverage",
    label=_("Coverage"),
    order=41,
    annotations=_coverage,
    sort_by="relationships_coverage",
    template="relationships/columns/coverage.html",
    numeric=True,
)
GAPS_COLUMN = ListColumn(
    key="gaps",
    label=_("Gaps"),
    order=42,
    annotations=_gaps,
    sort_by="relationships_gap_count",
    template="relationships/columns/gaps.html",
    numeric=True,
)
LIST_COLUMNS = (CLOSENESS_COLUMN, COVERAGE_COLUMN, GAPS_COLUMN)
# The portfolio rows' relationship figures (kam.portfolio.figures), by the name answered.
ROW_FIGURES = {
    "overall_closeness": lambda: latest_point("overall_closeness", "account_id"),
    "coverage": lambda: latest_point("coverage", "account_id"),
    "gap_count": lambda: latest_point("gap_count", "account_id"),
}
