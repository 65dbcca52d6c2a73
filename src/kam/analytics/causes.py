"""What moved an account's class: the cause of a class drop (DOMAIN §3, §10; docs/rules.md
"Alerts").

Two states of the class inputs (before and after a drop) are compared one input at a time:
the drop is put on the input whose change alone, the other input kept as it was, would have
produced it. A contribution that fell wins over a potential that moved at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kam.analytics import matrix
from kam.analytics.rules import Rules

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

# The causes of a class drop, in the order they are tried.
CONTRIBUTION = "contribution"  # the contribution fell, and that alone drops the class
POTENTIAL = "potential"  # a new, raised or removed estimate alone drops the class
SETTINGS = "settings"  # the inputs are unchanged: the matrix thresholds moved
CONTRIBUTION_AND_POTENTIAL = "contribution_and_potential"  # neither alone; contribution fell
COMBINED = "combined"  # neither alone; the contribution did not fall
DROP_CAUSES = (CONTRIBUTION, POTENTIAL, SETTINGS, CONTRIBUTION_AND_POTENTIAL, COMBINED)


@dataclass(frozen=True)
class ClassInputs:
    """The inputs of the class (§3) for each row: contribution C and the latest estimate in
    cents (0 where there is none)."""

    contribution: IntArray
    estimate: IntArray
    has_estimate: BoolArray

    def classes(self, rules: Rules) -> StrArray:
        """The class these inputs give under the rules (an estimate's age never moves it)."""
        age = np.where(self.has_estimate, 0.0, np.nan)
        classes: StrArray = matrix.classify(
            self.contribution, self.estimate, age, rules
        ).account_class
        return classes


def _dropped(classes: StrArray) -> BoolArray:
    dropped: BoolArray = np.isin(classes, ("C", "D"))
    return dropped


def drop_causes(before: ClassInputs, after: ClassInputs, rules: Rules) -> StrArray:
    """The cause of each row's class drop from `before` to `after` (§10), one of
    DROP_CAUSES: the contribution alone (when it fell), else the potential alone, else the
    rules alone; when no single input explains it, both together, named by whether the
    contribution fell."""
    only_contribution = ClassInputs(after.contribution, before.estimate, before.has_estimate)
    only_potential = ClassInputs(before.contribution, after.estimate, after.has_estimate)
    fell = after.contribution < before.contribution
    estimate_moved = (after.has_estimate != before.has_estimate) | (
        after.estimate != before.estimate
    )
    causes: StrArray = np.select(
        [
            fell & _dropped(only_contribution.classes(rules)),
            estimate_moved & _dropped(only_potential.classes(rules)),
            _dropped(before.classes(rules)),
            fell,
        ],
        [CONTRIBUTION, POTENTIAL, SETTINGS, CONTRIBUTION_AND_POTENTIAL],
        COMBINED,
    ).astype("<U26")
    return causes
