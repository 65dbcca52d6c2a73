"""The model-quality page's hold-out chart names each bin of repeat purchases (§10)."""

from __future__ import annotations

from kam.risk.presenters import holdout_chart


def _row(low: int, last: int | None) -> dict[str, object]:
    return {"frequency": low, "frequency_to": last, "customers": 3, "predicted": 1.0, "actual": 1.5}


def test_the_bins_read_as_a_count_a_range_or_open_ended() -> None:
    # Given a hold-out table with a single count, a range and the open-ended last bin
    quality = {"holdout": {"by_frequency": [_row(2, 2), _row(3, 4), _row(50, None)]}}
    # When the chart is built
    chart = holdout_chart(quality)
    # Then each bin reads as people count purchases
    assert chart["frequencies"] == ["2", "3–4", "50+"]
    assert chart["customers"] == [3, 3, 3]


def test_an_older_run_without_ranges_shows_its_counts() -> None:
    quality = {"holdout": {"by_frequency": [{"frequency": 7, "predicted": 1, "actual": 2}]}}
    assert holdout_chart(quality)["frequencies"] == ["7"]
