"""Reporting lines as a tree (DOMAIN §7 "reports-to"): the pure cycle rule."""

from __future__ import annotations

from kam.relationships.reporting import cycles_in, reporting_cycle


def test_no_boss_closes_nothing() -> None:
    assert reporting_cycle({1: 2}, 2, None) is None


def test_reporting_to_oneself_is_a_cycle_of_one() -> None:
    assert reporting_cycle({}, 1, 1) == [1, 1]


def test_two_people_reporting_to_each_other_is_a_cycle() -> None:
    assert reporting_cycle({2: 1}, 1, 2) == [1, 2, 1]


def test_a_long_chain_back_to_the_contact_is_named_whole() -> None:
    lines = {2: 3, 3: 4, 4: 1, 5: None}

    assert reporting_cycle(lines, 1, 2) == [1, 2, 3, 4, 1]


def test_a_line_into_a_tree_is_no_cycle() -> None:
    assert reporting_cycle({2: 3, 3: None, 4: 3}, 1, 4) is None


def test_an_older_cycle_above_is_not_followed_forever() -> None:
    # 2 and 3 already report to each other (a bad import); 1 joining under 2 closes nothing new.
    assert reporting_cycle({2: 3, 3: 2}, 1, 2) is None


def test_every_cycle_is_found_once_from_its_smallest_id() -> None:
    lines = {1: 2, 2: 1, 3: 5, 5: 4, 4: 3, 6: 1, 7: None, 8: 8}

    assert cycles_in(lines) == [[1, 2, 1], [3, 5, 4, 3], [8, 8]]


def test_a_tree_has_no_cycle() -> None:
    assert cycles_in({1: None, 2: 1, 3: 1, 4: 2}) == []
