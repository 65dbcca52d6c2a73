"""Writing what a scoring run computed: snapshot rows and the monthly history (§2–§6).

The results of `kam.analytics.portfolio` become plain tuples for the store's bulk path:
NaN is NULL, dates and times go in as the store writes them, converted once per run rather
than once per row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction

from kam.analytics.portfolio import MonthlyHistoryArrays, Result
from kam.core.bulk import bulk_insert
from kam.portfolio.models import MonthlyHistory, Snapshot

Rows = tuple[list[str], list[tuple[object, ...]]]

# A t-statistic of ±infinity (an exact line) is stored as ±1e300: JSON and every database
# take it, and every comparison of §5 reads the same.
_INFINITE = 1e300


def store_snapshots(as_of: dt.date, results: Sequence[Result], computed_at: dt.datetime) -> None:
    """Replace the date's snapshots whole with the results (every scope), in one transaction."""
    with transaction.atomic():
        Snapshot.objects.filter(as_of=as_of).delete()
        for result in results:
            names, rows = snapshot_rows(result, computed_at)
            bulk_insert(Snapshot, names, rows)


def store_monthly_history(
    histories: Sequence[MonthlyHistoryArrays], first_month_end: dt.date, computed_at: dt.datetime
) -> None:
    """Replace the monthly history whole (§2 --history), in one transaction."""
    with transaction.atomic():
        MonthlyHistory.objects.all().delete()
        for history in histories:
            names, rows = monthly_history_rows(history, first_month_end, computed_at)
            bulk_insert(MonthlyHistory, names, rows)


def _plain(values: Any, null: npt.NDArray[np.bool_] | None) -> list[object]:
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


def snapshot_rows(result: Result, computed_at: dt.datetime) -> Rows:
    """Plain tuples (in the returned column order) of one scope's snapshot rows."""
    ops = connection.ops
    names = [*result.columns, "as_of", "scope", "computed_at"]
    columns = [_plain(values, result.nulls.get(name)) for name, values in result.columns.items()]
    n = len(result.columns["account_id"])
    columns.extend(
        [
            [ops.adapt_datefield_value(result.as_of)] * n,
            [result.scope] * n,
            [ops.adapt_datetimefield_value(computed_at)] * n,
        ]
    )
    return names, list(zip(*columns, strict=True))


def monthly_history_rows(
    history: MonthlyHistoryArrays, first_month_end: dt.date, computed_at: dt.datetime
) -> Rows:
    """Plain tuples of one scope's monthly history: JSON written once per row."""
    ops = connection.ops
    scores = _json_rows(history.score)
    n = len(scores)
    columns: list[list[Any]] = [
        list(history.account_ids.tolist()),
        [history.scope] * n,
        [ops.adapt_datefield_value(first_month_end)] * n,
        [history.months] * n,
        list(history.classes.tolist()),
        list(history.stages.tolist()),
        list(history.present.tolist()),
        list(history.strategy_rules.tolist()),
        _json_rows(history.contribution),
        _json_rows(history.potential),
        list(scores),
        [ops.adapt_datetimefield_value(computed_at)] * n,
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
