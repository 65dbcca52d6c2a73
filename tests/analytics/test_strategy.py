"""Strategy rules R1–R5 (DOMAIN §6)."""

import numpy as np
import pytest

from kam.analytics.strategy import recommend


@pytest.mark.parametrize(
    ("never", "p_level", "klass", "was_ab", "stage", "risk", "strategy", "rule"),
    [
        (True, "high", "C", False, "acquisition", False, "acquisition", "R1"),
        (True, "low", "D", False, "acquisition", False, "wait_and_see", "R5"),
        (False, "high", "A", False, "decline", False, "win_back", "R2"),
        (False, "high", "C", True, "lost", False, "win_back", "R2"),  # dropped from A/B
        (False, "high", "B", False, "maturity", True, "win_back", "R2"),
        (False, "high", "C", False, "acquisition", False, "acquisition", "R3"),
        (False, "high", "C", False, "decline", False, "promotion", "R3"),
        (False, "low", "B", False, "growth", False, "retention", "R4"),
        (False, "low", "D", True, "maturity", False, "wait_and_see", "R5"),
    ],
)
def test_first_matching_rule_wins(never, p_level, klass, was_ab, stage, risk, strategy, rule):
    result = recommend(
        np.array([never]),
        np.array([p_level]),
        np.array([klass]),
        np.array([was_ab]),
        np.array([stage]),
        np.array([risk]),
    )
    assert (result.strategy[0], result.rule[0]) == (strategy, rule)
    assert result.review_key_status[0] == (rule == "R5")
