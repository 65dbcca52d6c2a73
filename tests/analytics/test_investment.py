"""Investment ratio, ROI and bands (DOMAIN §4)."""

import numpy as np
import pytest

from kam.analytics.investment import evaluate
from kam.analytics.rules import Rules


def test_ratio_roi_and_band_edges_are_exact():
    # Given class A accounts with C = 100 and I = 3 (on the low edge), 8 (high edge), 9, 2
    c = np.array([100, 100, 100, 100, 0], dtype=np.int64)
    i = np.array([3, 8, 9, 2, 5], dtype=np.int64)
    m = np.array([30, 30, 30, 30, 0], dtype=np.int64)
    klass = np.array(["A", "A", "A", "A", "A"])
    result = evaluate(i, c, m, klass, Rules())
    assert list(result.band) == ["within", "within", "above", "below", ""]
    assert result.ratio[0] == pytest.approx(0.03)
    assert result.roi[0] == pytest.approx(9.0)
    assert np.isnan(result.ratio[4])


def test_roi_undefined_without_investment():
    result = evaluate(np.array([0]), np.array([100]), np.array([10]), np.array(["D"]), Rules())
    assert np.isnan(result.roi[0])
    assert result.band[0] == "within"
