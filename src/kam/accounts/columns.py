"""Columns of the account list from the apps above accounts (ARCHITECTURE: one-way imports).

The account list belongs to accounts, but figures such as the last scoring's revenue, class
and strategy belong to portfolio, which imports accounts. Portfolio registers each column
here from its AppConfig.ready(): the annotation that puts the figure on each account row
(one subquery in the list's own query, so the page's query count does not grow with its
rows), the name to sort by, and the template of one cell. The list shows whatever is
registered, in order, without importing the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OrderBy
from django.utils.functional import Promise

Annotations = Callable[[], Mapping[str, Any]]


@dataclass(frozen=True)
class ListColumn:
    """One column of the account list, drawn by the app that owns its figure.

    `annotations()` returns the expressions added to the list's queryset (names prefixed by
    the app, so two apps cannot collide); the list sorts by `sort_by`, one of those names,
    with accounts that have no figure last; `template` renders one cell with `account`, and
    `legend` (optional) what its badges mean.
    """

    key: str  # the sort key in the query string: ?sort=KEY or ?sort=-KEY
    label: str | Promise
    order: int
    annotations: Annotations
    sort_by: str
    template: str
    numeric: bool = False
    legend: str = ""  # a template explaining the column's badges, shown below the list

    def ordering(self, *, descending: bool) -> OrderBy:
        field = F(self.sort_by)
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


_registry: dict[str, ListColumn] = {}


def register(column: ListColumn) -> None:
    """Add (or, under the same key, replace) a column of the account list."""
    _registry[column.key] = column


def registered() -> list[ListColumn]:
    return sorted(_registry.values(), key=lambda column: (column.order, column.key))


def column_for_sort(sort: str) -> tuple[ListColumn, bool] | None:
    """The registered column a sort key names, and whether it sorts descending."""
    column = _registry.get(sort.removeprefix("-"))
    return (column, sort.startswith("-")) if column else None


def column_sorts() -> list[str]:
    """Every sort key the registered columns accept, both directions."""
    return [key for column in registered() for key in (column.key, f"-{column.key}")]
