"""Steps an app above portfolio adds to a scoring run (ARCHITECTURE: one-way imports).

A scoring run computes the portfolio's figures, then asks the registered churn-risk steps
which accounts are at high churn risk (§10) — the risk app registers its scoring here from
its AppConfig.ready() — and only then settles the strategy (§6 R2's "churn risk high"
clause) and stores the snapshots. Portfolio never imports the apps that register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ScoredDate:
    """The entity figures of a run's stored date, before the strategy is settled.

    `columns` are the snapshot columns of `kam.analytics.portfolio.Result` (account_class,
    contribution_cents, share_of_wallet, lifecycle, …), one array per column in the order of
    `account_ids`; `history` is true when the run back-fills the monthly history.

    `revenue` is the net revenue (cents) the run already read, account × month in the order
    of `account_ids`, its first column the month index `revenue_base`: a step reuses it
    instead of reading the aggregates again. It may reach past the date's month (a run of
    several dates reads up to the last one); None when the run has none to give.
    """

    as_of: dt.date
    account_ids: IntArray
    columns: Mapping[str, Any]
    history: bool
    revenue: IntArray | None = None
    revenue_base: int = 0


ChurnRiskStep = Callable[[ScoredDate], BoolArray]

_steps: dict[str, ChurnRiskStep] = {}


def register_churn_risk(name: str, step: ChurnRiskStep) -> None:
    """Add (or, under the same name, replace) a step answering "churn risk high" per row."""
    _steps[name] = step


def churn_risk_high(scored: ScoredDate) -> BoolArray | None:
    """Rows any registered step finds at high churn risk; None when no step is registered."""
    if not _steps:
        return None
    high = np.zeros(scored.account_ids.shape[0], dtype=bool)
    for step in _steps.values():
        high |= np.asarray(step(scored), dtype=bool)
    return high
