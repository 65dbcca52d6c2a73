"""Strategy recommendation, first matching rule wins (DOMAIN §6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kam.analytics.lifecycle import ACQUISITION, DECLINE, LOST

BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

STRATEGY_ACQUISITION = "acquisition"
STRATEGY_PROMOTION = "promotion"
STRATEGY_RETENTION = "retention"
STRATEGY_WIN_BACK = "win_back"
STRATEGY_WAIT_AND_SEE = "wait_and_see"
STRATEGIES = (
    STRATEGY_ACQUISITION,
    STRATEGY_PROMOTION,
    STRATEGY_RETENTION,
    STRATEGY_WIN_BACK,
    STRATEGY_WAIT_AND_SEE,
)
RULES = ("R1", "R2", "R3", "R4", "R5")


@dataclass(frozen=True)
class Recommendation:
    """Per account: the strategy, the rule that fired and whether to review key status."""

    strategy: StrArray
    rule: StrArray
    review_key_status: BoolArray


def recommend(
    never_purchased: BoolArray,
    potential_level: StrArray,
    account_class: StrArray,
    was_a_or_b_last_12_months: BoolArray,
    lifecycle: StrArray,
    churn_risk_high: BoolArray,
) -> Recommendation:
    """Apply R1–R5 of §6 to every account at once.

    `was_a_or_b_last_12_months` is true when the class was A or B as of the last day of any of
    the last 12 months; the class now is checked here.
    """
    n = account_class.shape[0]
    strategy = np.full(n, STRATEGY_WAIT_AND_SEE, dtype=object)
    rule = np.full(n, "R5", dtype=object)
    decided = np.zeros(n, dtype=bool)

    def fire(condition: BoolArray, name: str, rule_id: str) -> None:
        take = condition & ~decided
        strategy[take] = name
        rule[take] = rule_id
        decided[take] = True

    a_or_b = np.isin(account_class, ("A", "B"))
    fire(never_purchased & np.isin(potential_level, ("high", "medium")), STRATEGY_ACQUISITION, "R1")
    drifting = (lifecycle == DECLINE) | (lifecycle == LOST) | churn_risk_high
    fire((a_or_b | was_a_or_b_last_12_months) & drifting, STRATEGY_WIN_BACK, "R2")
    is_c = account_class == "C"
    fire(is_c & (lifecycle == ACQUISITION), STRATEGY_ACQUISITION, "R3")
    fire(is_c, STRATEGY_PROMOTION, "R3")
    fire(a_or_b, STRATEGY_RETENTION, "R4")
    return Recommendation(strategy.astype(str), rule.astype(str), rule == "R5")
