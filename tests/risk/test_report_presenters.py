"""The intervention report's statements and chart data (DOMAIN §10)."""

from __future__ import annotations

from kam.analytics.intervention import difference_in_differences
from kam.risk.report_presenters import CHURN, CSAT, before_after_chart, statement


def test_an_interval_spanning_zero_is_stated_with_its_unit() -> None:
    did = difference_in_differences([0] * 15, [0] * 15, [0] * 6, [1, 0, 0, 0, 0, 0], binary=True)

    assert statement(did, CHURN) == (
        "Too small to conclude: the difference, −16.7 pp, has a 95 % interval from −71.4 pp "
        "to +38.1 pp, which includes no difference at all."
    )


def test_a_small_group_is_named_with_the_difference_it_would_show() -> None:
    did = difference_in_differences([3, 4], [4, 4], [4, 4, 3, 3, 3], [3, 4, 3, 3, 4])

    assert statement(did, CSAT) == (
        "Too small to conclude: 2 treated and 5 untreated accounts were measured before and "
        "after; the report needs at least 5 in each group (the difference would be +0.50)."
    )


def test_a_clear_rise_in_csat_and_its_bars() -> None:
    did = difference_in_differences(
        [3, 4, 4, 3, 5], [4, 4, 5, 4, 5], [4, 4, 3, 4, 4], [3, 4, 3, 3, 4]
    )

    assert statement(did, CSAT).startswith(
        "The treated accounts' CSAT moved +1.00 points against the untreated accounts' "
        "(95 % interval +0.20 to +1.80): higher satisfaction"
    )
    chart = before_after_chart(did, CSAT)
    assert chart["values"] == [[3.8, 3.8], [4.4, 3.4]]
    assert chart["groups"] == ["Treated (5)", "Untreated (5)"]
    assert (chart["min"], chart["max"]) == (1, 5)
