"""The potential–contribution matrix, to the letter of DOMAIN §3."""

from decimal import Decimal

import numpy as np
import pytest

from kam.analytics.matrix import cell_edge, class_regions, classify, density_cells
from kam.analytics.rules import Rules

M = 100_000_000  # one million in cents


def one(c: int, p: int | None, age: float = 1.0, rules: Rules | None = None):
    result = classify(
        np.array([c], dtype=np.int64),
        np.array([p or 0], dtype=np.int64),
        np.array([np.nan if p is None else age]),
        rules or Rules(),
    )
    return result, 0


def test_s1_example_ten_million_with_fifty_million_potential_is_medium_and_class_c():
    result, i = one(10 * M, 50 * M)
    assert result.share_of_wallet[i] == pytest.approx(0.2)
    assert result.relative_rule[i]
    assert result.contribution_level[i] == "medium"
    assert result.potential_level[i] == "high"
    assert result.account_class[i] == "C"


@pytest.mark.parametrize(
    ("c", "p", "expected_class", "c_level", "p_level"),
    [
        (10 * M, 30 * M, "A", "high", "high"),  # both exactly on the high boundary; SoW 1/3
        (10 * M - 1, 30 * M, "C", "medium", "high"),  # a cent below high C
        (10 * M, 30 * M - 1, "B", "high", "medium"),  # a cent below high P
        (10 * M, 10 * M, "B", "high", "medium"),  # P on the medium boundary
        (10 * M, 10 * M - 1, "B", "high", "medium"),  # P below C is lifted to C
        (5 * M, 10 * M, "C", "medium", "medium"),  # C on the medium boundary
        (5 * M - 1, 10 * M, "C", "low", "medium"),
        (5 * M, 10 * M - 1, "D", "medium", "low"),  # P a cent below medium, SoW > 0.3
        (1 * M, 2 * M, "D", "low", "low"),
        (0, 0, "D", "low", "low"),
    ],
)
def test_class_boundaries(c, p, expected_class, c_level, p_level):
    result, i = one(c, p)
    assert (result.account_class[i], result.contribution_level[i], result.potential_level[i]) == (
        expected_class,
        c_level,
        p_level,
    )


def test_relative_rule_boundary_is_exact():
    # SoW exactly 0.30 does not drop; a cent more potential makes it drop.
    at, i = one(30 * M, 100 * M)
    assert not at.relative_rule[i] and at.contribution_level[i] == "high"
    below, i = one(30 * M, 100 * M + 1)
    assert below.relative_rule[i] and below.contribution_level[i] == "medium"


def test_relative_rule_drops_medium_to_low_and_leaves_low_alone():
    medium, i = one(6 * M, 40 * M)
    assert medium.contribution_level[i] == "low" and medium.account_class[i] == "C"
    low, i = one(1 * M, 40 * M)
    assert low.contribution_level[i] == "low" and not low.relative_rule[i]


def test_missing_potential_takes_contribution_and_is_flagged():
    result, i = one(12 * M, None)
    assert result.potential_missing[i]
    assert result.potential[i] == 12 * M
    assert result.share_of_wallet[i] == 1.0
    assert result.account_class[i] == "B"  # high C, P := C = 12 M is medium


def test_potential_below_contribution_is_lifted_and_flagged():
    result, i = one(12 * M, 11 * M)
    assert result.potential_below_contribution[i]
    assert result.potential[i] == 12 * M


@pytest.mark.parametrize(
    ("age", "stale"), [(12.0, False), (12.01, True), (0.0, False), (30.0, True)]
)
def test_stale_potential_is_used_and_flagged(age, stale):
    result, i = one(10 * M, 30 * M, age=age)
    assert result.potential_stale[i] is np.bool_(stale)
    assert result.potential[i] == 30 * M
    assert result.account_class[i] == "A"


def test_thresholds_come_from_the_rules():
    rules = Rules(
        contribution_high_cents=2 * M,
        contribution_medium_cents=1 * M,
        potential_high_cents=4 * M,
        potential_medium_cents=3 * M,
    )
    result, i = one(2 * M, 4 * M, rules=rules)
    assert result.account_class[i] == "A"


def test_relative_threshold_decimal_is_exact():
    rules = Rules(relative_share_threshold=Decimal("0.1"))
    result, i = one(10 * M, 100 * M, rules=rules)
    assert not result.relative_rule[i]


def test_vectorised_over_many_accounts():
    c = np.array([10 * M, 10 * M, 1 * M], dtype=np.int64)
    p = np.array([50 * M, 0, 2 * M], dtype=np.int64)
    age = np.array([1.0, np.nan, 13.0])
    result = classify(c, p, age, Rules())
    assert list(result.account_class) == ["C", "B", "D"]
    assert list(result.potential_stale) == [False, False, True]


def test_density_cells_count_each_point_once_on_decade_cells() -> None:
    potential = np.array([1_000.0, 1_500.0, 20_000.0, 99_999.0])
    contribution = np.array([100.0, 120.0, 5_000.0, 90_000.0])

    cells = density_cells(potential, contribution, per_decade=1)

    assert cells == {(3, 2): 2, (4, 3): 1, (4, 4): 1}
    assert (cell_edge(3, 1), cell_edge(4, 1)) == (1e3, 1e4)


def test_density_cells_do_not_depend_on_the_other_points() -> None:
    # The stored count of every account less the bubbles' cells is the rest's own count.
    potential = np.array([150.0, 2_000.0, 2_100.0, 75_000.0, 1e6])
    contribution = np.array([90.0, 1_000.0, 1_050.0, 40_000.0, 1e5])
    every = density_cells(potential, contribution, per_decade=8)
    drawn = density_cells(potential[[1, 4]], contribution[[1, 4]], per_decade=8)

    rest = {cell: n - drawn.get(cell, 0) for cell, n in every.items()}

    assert {c: n for c, n in rest.items() if n} == density_cells(
        potential[[0, 2, 3]], contribution[[0, 2, 3]], per_decade=8
    )


def test_density_cells_of_no_points_are_empty() -> None:
    assert density_cells(np.array([]), np.array([])) == {}
    assert density_cells(np.array([10.0]), np.array([10.0]), per_decade=2) == {(2, 2): 1}


def test_density_cells_refuse_points_the_log_axes_cannot_show() -> None:
    with pytest.raises(ValueError, match="positive"):
        density_cells(np.array([0.0]), np.array([5.0]))


def test_class_regions_follow_the_relative_rule_and_the_thresholds() -> None:
    # Given the default rules on a plot from 100 K to 1 B on both axes
    regions = {r.account_class: r.vertices for r in class_regions(Rules(), (1e5, 1e9), (1e5, 1e9))}

    # Then A is bounded below by C = 10 M up to P = C / 0.3 = 33.3 M, then by C = 0.3 P
    assert set(regions) == {"A", "B", "C", "D"}
    np.testing.assert_allclose(
        regions["A"],
        [(1e9, 1e9), (3e7, 1e9), (3e7, 1e7), (1e7 / 0.3, 1e7), (1e9, 3e8)],
        rtol=1e-9,
    )
    # And D is everything left of 10 M potential below 10 M contribution
    np.testing.assert_allclose(regions["D"], [(1e7, 1e5), (1e5, 1e5), (1e5, 1e7), (1e7, 1e7)])


def test_class_regions_leave_out_an_area_outside_the_plot() -> None:
    # Given a plot that ends below the high potential threshold: no A, no C beyond it
    found = [r.account_class for r in class_regions(Rules(), (1e5, 2e7), (1e5, 1e9))]
    assert found == ["B", "C", "D"]
