"""What moved the class: the cause of a class drop (DOMAIN §3, §10; docs/rules.md)."""

from __future__ import annotations

import numpy as np

from kam.analytics.causes import ClassInputs, drop_causes
from kam.analytics.rules import Rules

M = 100_000_000  # one million in cents


def inputs(c: list[float], e: list[float | None]) -> ClassInputs:
    return ClassInputs(
        np.array([round(x * M) for x in c], dtype=np.int64),
        np.array([round((x or 0) * M) for x in e], dtype=np.int64),
        np.array([x is not None for x in e], dtype=bool),
    )


def test_each_drop_is_put_on_the_input_that_alone_produces_it() -> None:
    # Given five accounts in class A or B before
    before = inputs([12, 12, 12, 12, 11], [35, 35, 35, None, 35])
    # When: revenue collapses; a manager raises the estimate (revenue grows 48 %); both
    # at once; the first estimate arrives; revenue slips a little as the estimate rises
    after = inputs([4, 17.76, 4, 12, 10.5], [35, 80, 80, 50, 36])

    causes = drop_causes(before, after, Rules())

    # Then the revenue fall wins wherever it alone drops the class, and a new or raised
    # estimate alone is the potential's doing; neither alone but revenue fell: both
    assert causes.tolist() == [
        "contribution",
        "potential",
        "contribution",
        "potential",
        "contribution_and_potential",
    ]
    assert before.classes(Rules()).tolist() == ["A", "A", "A", "B", "A"]
    assert after.classes(Rules()).tolist() == ["C", "C", "C", "C", "C"]


def test_a_drop_with_unchanged_inputs_is_the_settings() -> None:
    same = inputs([12], [35])
    stricter = Rules(contribution_high_cents=20 * M)

    assert drop_causes(same, same, stricter).tolist() == ["settings"]
