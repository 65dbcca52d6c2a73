"""Survey drops → alerts (DOMAIN §9; docs/rules.md "Satisfaction surveys").

A survey is one calendar month of an account's responses; each dimension compares the
account's last two surveys that scored it. A fall of CSAT ≥ 0.5 or NPS ≥ 10 points keeps one
open `survey_drop` alert naming the dimensions; a later survey without such a fall resolves
it. An alert resolved by hand is not raised again for the same surveys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import numpy as np
from django.db import transaction

from kam.alerts.models import Alert, Resolution
from kam.alerts.registry import Finding
from kam.alerts.services import alerts_sync
from kam.analytics.satisfaction import DIMENSIONS, Drops, Thresholds, latest_drops, survey_means
from kam.engagement.surveys.alerts import KIND_SURVEY_DROP
from kam.engagement.surveys.models import CSAT_FIELDS, SurveyResponse

# §9's thresholds; docs/rules.md "Satisfaction surveys".
THRESHOLDS = Thresholds(csat=0.5, nps=10.0)
SCORE_COLUMNS = (*CSAT_FIELDS, "nps")  # the order of kam.analytics.satisfaction.DIMENSIONS


def survey_key(day: dt.date) -> int:
    """The survey a response belongs to: its calendar month, as an ordered integer."""
    return day.year * 12 + day.month - 1


def survey_month(key: int) -> str:
    return f"{key // 12:04d}-{key % 12 + 1:02d}"


def _value(value: float, dimension: str) -> str:
    return f"{value:.0f}" if dimension == "nps" else f"{value:.2f}"


def survey_drops(account_ids: Collection[int] | None = None) -> dict[int, Finding]:
    """The accounts (all, or those given) whose latest surveys fell (§9): account id → the
    finding naming each dimension, from → to."""
    rows = SurveyResponse.objects.order_by()
    if account_ids is not None:
        rows = rows.filter(account_id__in=list(account_ids))
    values = list(rows.values_list("account_id", "responded_on", *SCORE_COLUMNS))
    if not values:
        return {}
    ids = np.array([row[0] for row in values], dtype=np.int64)
    known, index = np.unique(ids, return_inverse=True)
    survey = np.array([survey_key(row[1]) for row in values], dtype=np.int64)
    scores = np.array(
        [[np.nan if v is None else float(v) for v in row[2:]] for row in values], dtype=np.float64
    )
    drops = latest_drops(survey_means(index.reshape(-1), survey, scores), len(known), THRESHOLDS)
    return {
        int(known[i]): _finding(drops, int(i)) for i in np.flatnonzero(drops.dropped.any(axis=1))
    }


def _finding(drops: Drops, row: int) -> Finding:
    columns = np.flatnonzero(drops.dropped[row]).tolist()
    changes: list[dict[str, Any]] = [
        {
            "input": f"survey_{DIMENSIONS[c]}",
            "unit": "text",
            "from": _value(drops.previous[row, c], DIMENSIONS[c]),
            "to": _value(drops.latest[row, c], DIMENSIONS[c]),
            "driver": True,
        }
        for c in columns
    ]
    first = columns[0]
    data = {
        "dimensions": [DIMENSIONS[c] for c in columns],
        "from": survey_month(int(drops.previous_survey[row, first])),
        "to": survey_month(int(drops.latest_survey[row, first])),
        "changes": {
            DIMENSIONS[c]: [ch["from"], ch["to"]] for c, ch in zip(columns, changes, strict=True)
        },
    }
    return Finding(data=data, cause={"rule": "survey_drop", "changes": changes})


def _resolved_by_hand(account_ids: Collection[int] | None) -> dict[int, list[dict[str, Any]]]:
    rows = Alert.objects.filter(kind=KIND_SURVEY_DROP, is_open=False, resolution=Resolution.BY_HAND)
    if account_ids is not None:
        rows = rows.filter(account_id__in=list(account_ids))
    seen: dict[int, list[dict[str, Any]]] = {}
    for account_id, data in rows.values_list("account_id", "data"):
        seen.setdefault(account_id, []).append(data)
    return seen


def _wanted(account_ids: Collection[int] | None) -> dict[int, Finding]:
    """The drops still to show: a drop someone resolved by hand stays resolved until a new
    survey changes what fell."""
    found = survey_drops(account_ids)
    dismissed = _resolved_by_hand(found)
    return {pk: f for pk, f in found.items() if dict(f.data) not in dismissed.get(pk, [])}


@transaction.atomic
def survey_drops_refresh(account_ids: Collection[int]) -> None:
    """After responses of these accounts changed: raise, refresh or resolve their survey drop
    alerts (§9), through the alerts' bulk path for these accounts only."""
    alerts_sync(KIND_SURVEY_DROP, _wanted(account_ids), within=set(account_ids))


def survey_drops_sweep() -> int:
    """The nightly sweep's part: every account's survey drop alerts in a few bulk statements
    (§9); returns how many accounts have one open."""
    wanted = _wanted(None)
    alerts_sync(KIND_SURVEY_DROP, wanted)
    return len(wanted)
