"""The relationship map's layout and chart data (DOMAIN §7), pure where it can be."""

from __future__ import annotations

import itertools
import math

import pytest

from kam.relationships.map_presenter import (
    BLOCK_ROW,
    Layout,
    Seat,
    max_columns,
    org_layout,
    table_rows,
)


def _assert_apart(layout: Layout) -> None:
    """No two people share a spot: at least a block row apart vertically or a column across."""
    for a, b in itertools.combinations(layout.places.values(), 2):
        assert abs(a.x - b.x) >= 1 - 1e-9 or abs(a.y - b.y) >= BLOCK_ROW - 1e-9


def _bosses_above(layout: Layout, seats: list[Seat]) -> None:
    for seat in seats:
        if seat.boss_id in layout.places:
            assert layout.places[seat.boss_id].y < layout.places[seat.id].y
            assert layout.places[seat.id].level == layout.places[seat.boss_id].level + 1


def test_a_boss_sits_above_and_centred_over_their_reports() -> None:
    # Given a general manager with three reports, one of whom has two of her own
    seats = [
        Seat(1, None, "General management", "Wang"),
        Seat(2, 1, "Purchasing", "Li"),
        Seat(3, 1, "Engineering", "Zhang"),
        Seat(4, 1, "Quality", "Zhao"),
        Seat(5, 2, "Purchasing", "Chen"),
        Seat(6, 2, "Purchasing", "Liu"),
    ]
    layout = org_layout(seats)
    # Then three levels, each boss centred over their team, nobody on top of another
    assert layout.rows == 3 and not layout.wrapped
    assert [layout.places[pk].level for pk in range(1, 7)] == [0, 1, 1, 1, 2, 2]
    assert layout.places[2].x == (layout.places[5].x + layout.places[6].x) / 2
    kids = [layout.places[pk].x for pk in (2, 3, 4)]
    assert layout.places[1].x == (min(kids) + max(kids)) / 2
    _assert_apart(layout)
    _bosses_above(layout, seats)


def test_siblings_are_grouped_by_department_then_name() -> None:
    seats = [
        Seat(1, None, "", "Boss"),
        Seat(2, 1, "Quality", "Ann"),
        Seat(3, 1, "Engineering", "Zed"),
        Seat(4, 1, "Quality", "Bob"),
        Seat(5, 1, "", "Amy"),  # no department: last
        Seat(6, 1, "Engineering", "Abe"),
    ]
    layout = org_layout(seats)
    left_to_right = sorted(range(2, 7), key=lambda pk: layout.places[pk].x)
    assert left_to_right == [6, 3, 2, 4, 5]


def test_a_line_to_someone_missing_or_to_oneself_counts_as_no_line() -> None:
    seats = [Seat(1, 99, "", "Merged away boss"), Seat(2, 2, "", "Self"), Seat(3, 1, "", "R")]
    layout = org_layout(seats)
    assert layout.places[1].level == 0 and layout.places[2].level == 0
    assert layout.places[3].level == 1


def test_a_cycle_is_broken_so_everyone_is_placed_once() -> None:
    # Given lines the services would refuse: 1 → 2 → 3 → 1, and 4 under 3
    seats = [Seat(1, 3), Seat(2, 1), Seat(3, 2), Seat(4, 3)]
    layout = org_layout(seats)
    assert set(layout.places) == {1, 2, 3, 4}
    assert layout.places[1].level == 0  # cut at the smallest id
    assert [layout.places[pk].level for pk in (2, 3, 4)] == [1, 2, 3]
    _assert_apart(layout)


def test_a_long_chain_does_not_hit_the_recursion_limit() -> None:
    seats = [Seat(i, i - 1 if i else None) for i in range(3000)]
    layout = org_layout(seats)
    assert layout.places[2999].level == 2999


def test_a_wide_team_stacks_into_a_block_under_its_boss() -> None:
    # Given a boss with 40 reports who have none of their own
    seats = [Seat(0, None, "", "Boss"), *(Seat(i, 0, "Sales", f"P{i:02}") for i in range(1, 41))]
    layout = org_layout(seats)
    # Then the team is a block of rows no wider than the limit, under the boss
    assert layout.columns <= max_columns(41)
    assert layout.rows > 2
    assert all(layout.places[i].y > layout.places[0].y for i in range(1, 41))
    _assert_apart(layout)


@pytest.mark.parametrize("size", [8, 200])
def test_a_buying_centre_fits_a_screen(size: int) -> None:
    # Given a general manager, five heads, their staff, some under team leads
    seats = [Seat(0, None, "General management", "GM")]
    seats += [Seat(i, 0, f"D{i}", f"Head {i}") for i in range(1, 6)]
    seats += [
        Seat(i, 6 + (i % 3) if i % 7 == 0 and i > 8 else (i % 5) + 1, f"D{(i % 5) + 1}", f"S{i}")
        for i in range(6, size)
    ]
    layout = org_layout(seats)
    # Then everyone has a place of their own, bosses above, within about a screen's width
    assert len(layout.places) == size
    _assert_apart(layout)
    _bosses_above(layout, seats)
    assert layout.columns <= 2 * max_columns(size)
    assert layout.rows <= math.ceil(size / 3)


def test_an_unwieldy_tree_wraps_its_levels() -> None:
    # Given 120 bosses of one report each: no block helps
    seats = [Seat(i, None, "", f"B{i:03}") for i in range(120)]
    seats += [Seat(1000 + i, i, "", f"R{i:03}") for i in range(120)]
    layout = org_layout(seats)
    assert layout.wrapped
    assert layout.columns == max_columns(240)
    assert max(p.x for p in layout.places.values()) < layout.columns
    _assert_apart(layout)
    assert all(
        layout.places[1000 + i].y > max(layout.places[b].y for b in range(120)) for i in range(120)
    )


def test_an_empty_map_has_no_places() -> None:
    layout = org_layout([])
    assert layout.places == {} and layout.rows == 0


@pytest.mark.django_db
def test_the_chart_marks_the_gaps_and_fades_who_left(manager: object) -> None:
    from kam.relationships.map_presenter import map_chart
    from kam.relationships.selectors import relationship_map
    from tests.factories import AccountFactory, ContactFactory

    # Given a decision maker nobody has rated, a strong opponent, and a coach who left
    account = AccountFactory(owner=manager)
    boss = ContactFactory(account=account, name="Boss", buying_role="decision_maker")
    ContactFactory(account=account, name="Foe", reports_to=boss, influence=5, attitude="opponent")
    ContactFactory(account=account, name="Gone", buying_role="coach", active=False)
    rmap = relationship_map(actor=manager, account_id=account.pk)  # type: ignore[arg-type]
    chart = map_chart(rmap)
    nodes = {n["name"]: n for n in chart["nodes"]}
    # Then the decision maker and the opponent carry the gap mark, naming their gaps
    assert nodes["Boss"]["marked"] and "Uncovered decision maker" in nodes["Boss"]["gaps"]
    assert nodes["Foe"]["marked"] and "High-influence opponent" in nodes["Foe"]["gaps"]
    assert nodes["Boss"]["roleBadge"] == "DM"
    assert not nodes["Gone"]["active"]
    assert chart["lines"] == [
        {
            "source": chart["nodes"].index(nodes["Boss"]),
            "target": chart["nodes"].index(nodes["Foe"]),
            "stacked": False,
        }
    ]
    # And without the people who left, the coach is not drawn
    assert "Gone" not in [n["name"] for n in map_chart(rmap, show_left=False)["nodes"]]
    # And the table names every value in text, blanks last whichever way it sorts
    rows = table_rows(rmap, "-influence")
    assert [r.contact.name for r in rows] == ["Foe", "Boss", "Gone"]
    assert rows[0].boss == "Boss"
