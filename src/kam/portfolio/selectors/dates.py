"""The dates the portfolio was scored or kept on (DOMAIN §3 migration)."""

from __future__ import annotations

import datetime as dt
import json
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from kam.accounts.models import Account
from kam.core.months import month_end, month_index
from kam.portfolio.models import (
    MonthlyHistory,
    Scope,
    Snapshot,
)


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


def monthly_history_states(
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
    history = monthly_history_states(candidates[0], scope, None) or {}
    return {pk: state[0] for pk, state in history.items()}


class StoredDate(NamedTuple):
    """A date the portfolio can be shown on: `full` when it was scored in full (a snapshot),
    else a month end kept only in the monthly history."""

    day: dt.date
    full: bool


def stored_dates(*, scope: str = Scope.ENTITY) -> list[StoredDate]:
    """Every date the matrix and the Pareto curve can show (§3): the snapshot dates and the
    month ends of the monthly history, newest first; a date with both is a full one."""
    full = set(snapshot_dates(scope=scope))
    days = full | set(history_month_ends(scope=scope))
    return [StoredDate(day, day in full) for day in sorted(days, reverse=True)]


def stored_date_on_or_before(
    day: dt.date | None, *, scope: str = Scope.ENTITY
) -> StoredDate | None:
    """The latest stored date on or before `day` (the latest of all when None), preferring
    the full snapshot where both hold it."""
    return next((d for d in stored_dates(scope=scope) if day is None or d.day <= day), None)


def latest_snapshot_date(*, on_or_before: dt.date | None = None) -> dt.date | None:
    dates = Snapshot.objects.filter(scope=Scope.ENTITY)
    if on_or_before is not None:
        dates = dates.filter(as_of__lte=on_or_before)
    return dates.order_by("-as_of").values_list("as_of", flat=True).first()


class ClassHistory(NamedTuple):
    """The monthly history of the last back-fill as rows for the analytics core (§3, §10):
    per account the class, lifecycle letter and presence at each month end (one character
    each, month i is `first_month_end` + i months) and the contribution and effective
    potential in cents, account × month (a stored list shorter than `months` ends in
    zeros)."""

    first_month_end: dt.date
    months: int
    account_ids: list[int]
    classes: list[str]
    stages: list[str]
    present: list[str]
    contribution: npt.NDArray[np.int64]
    potential: npt.NDArray[np.int64]


def _json_grid(texts: list[str], width: int) -> npt.NDArray[np.int64]:
    """Stored JSON lists of whole cents as one account × month grid: NumPy parses the
    joined numbers in C (a JSON parse of 720,000 numbers takes a quarter of a second; not
    one per row through the field's converter either). A list shorter than `width` ends in
    zeros; a longer one is cut."""
    grid = np.zeros((len(texts), width), dtype=np.int64)
    bodies = [text.strip()[1:-1].strip() for text in texts]
    lengths = [body.count(",") + 1 if body else 0 for body in bodies]
    joined = ",".join(body for body in bodies if body)
    empty = np.zeros(0, dtype=np.int64)
    try:
        values = np.fromstring(joined, dtype=np.int64, sep=",") if joined else empty
    except ValueError:  # not plain integers ("1.0"): the general parse
        values = np.array([v for text in texts for v in json.loads(text)], dtype=np.int64)
    if all(length == width for length in lengths):
        return values.reshape(len(texts), width)
    starts = np.cumsum([0, *lengths])
    for row, length in enumerate(lengths):
        kept = min(length, width)
        grid[row, :kept] = values[starts[row] : starts[row] + kept]
    return grid


def monthly_class_history(*, scope: str = Scope.ENTITY) -> ClassHistory | None:
    """Every account's monthly history in one query; None before the first back-fill."""
    rows = list(
        MonthlyHistory.objects.filter(scope=scope)
        .order_by("account_id")
        .values_list(
            "account_id",
            "first_month_end",
            "months",
            "classes",
            "stages",
            "present",
            Cast("contribution_cents", TextField()),
            Cast("potential_cents", TextField()),
        )
    )
    if not rows:
        return None
    width = int(rows[0][2])
    return ClassHistory(
        first_month_end=rows[0][1],
        months=width,
        account_ids=[int(row[0]) for row in rows],
        classes=[row[3] for row in rows],
        stages=[row[4] for row in rows],
        present=[row[5] for row in rows],
        contribution=_json_grid([row[6] for row in rows], width),
        potential=_json_grid([row[7] for row in rows], width),
    )
