"""Figures of higher apps on the portfolio's rows (ARCHITECTURE: one-way imports).

`GET /portfolio` answers, beside each snapshot's own figures, the relationship map's overall
closeness, coverage and gap count (§7), which belong to kam.relationships, an app above this
one. That app registers here, from its AppConfig.ready(), the annotation that puts each named
figure on a snapshot row (a subquery on the row's `account_id`, so the answer's query count
does not grow with its rows); the portfolio's schema answers the names in `ROW_FIGURES`, null
when nothing registered them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from kam.portfolio.models import Snapshot

# The names the portfolio's rows may carry from other apps, as `PortfolioRowOut` answers them.
ROW_FIGURES = ("overall_closeness", "coverage", "gap_count")

_registry: dict[str, Callable[[], Any]] = {}


def register_row_figures(**annotations: Callable[[], Any]) -> None:
    """Declare how each named figure is annotated on a snapshot row; raises ValueError for a
    name not in ROW_FIGURES."""
    unknown = sorted(set(annotations) - set(ROW_FIGURES))
    if unknown:
        raise ValueError(f"not a row figure of the portfolio: {', '.join(unknown)}")
    _registry.update(annotations)


def with_row_figures(rows: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """`rows` with every registered figure annotated under its name."""
    return rows.annotate(**{name: make() for name, make in _registry.items()})
