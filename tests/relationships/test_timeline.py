"""The buying centre in the account's change history (DOMAIN §7: every change is history)."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.accounts.timeline import account_timeline, kind_label
from kam.relationships.services import (
    contact_create,
    contact_delete,
    contact_mark_left,
    contact_mark_returned,
    contact_update,
    contacts_merge,
    link_add,
    link_remove,
    link_update,
)
from kam.relationships.timeline import relationships_history
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager)


def told(account) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """Oldest first, as the story was written."""
    return [
        (entry.action, entry.user, [(c.field, c.old, c.new) for c in entry.changes])
        for entry in reversed(relationships_history(account, 100))
    ]


def test_each_change_to_a_person_is_told_with_who_and_what(account, manager) -> None:
    boss = contact_create(actor=manager, account=account, name="Zhang Min")
    li = contact_create(actor=manager, account=account, name="Li Na", influence=2)
    contact_update(actor=manager, contact=li, influence=4, attitude="champion")
    contact_update(actor=manager, contact=li, reports_to_id=boss.pk)
    contact_mark_left(actor=manager, contact=li, left_on=dt.date(2026, 9, 30))
    contact_mark_returned(actor=manager, contact=li)
    who = manager.display_name

    assert told(account) == [
        ("added Zhang Min to the buying centre", who, []),
        ("added Li Na to the buying centre", who, []),
        ("changed Li Na", who, [("influence", "2", "4"), ("attitude", "—", "Champion")]),
        ("changed whom Li Na reports to", who, [("reports to", "—", "Zhang Min")]),
        ("marked Li Na as left", who, [("left on", "—", "2026-09-30")]),
        ("marked Li Na as returned", who, []),
    ]


def test_a_merge_names_both_people_and_a_deletion_keeps_the_name(account, manager) -> None:
    keep = contact_create(actor=manager, account=account, name="Wang Wei")
    duplicate = contact_create(actor=manager, account=account, name="W. Wei", title="CTO")
    contacts_merge(actor=manager, keep=keep, duplicate=duplicate)
    contact_delete(actor=manager, contact=keep)

    actions = [action for action, _who, _changes in told(account)]

    assert "merged W. Wei into Wang Wei" in actions
    assert ("changed Wang Wei", manager.display_name, [("title", "—", "CTO")]) in told(account)
    assert set(actions[-2:]) == {"deleted W. Wei", "deleted Wang Wei"}


def test_links_added_changed_and_removed_are_told(account, manager) -> None:
    li = contact_create(actor=manager, account=account, name="Li Na")
    zhang = contact_create(actor=manager, account=account, name="Zhang Min")
    link = link_add(actor=manager, source=li, target=zhang, kind="trusts")
    link_update(actor=manager, link=link, strength=3)
    link_remove(actor=manager, link=link)

    links = [entry for entry in told(account) if "link" in entry[0]]

    assert links == [
        (
            "added an influence link",
            manager.display_name,
            [("influence link", "—", "Li Na trusts Zhang Min (strength 2)")],
        ),
        (
            "changed the influence link Li Na trusts Zhang Min (strength 3)",
            manager.display_name,
            [("strength", "2", "3")],
        ),
        (
            "removed an influence link",
            manager.display_name,
            [("influence link", "Li Na trusts Zhang Min (strength 3)", "—")],
        ),
    ]


def test_the_account_page_tells_it_under_its_own_kinds(account, manager) -> None:
    li = contact_create(actor=manager, account=account, name="Li Na")
    zhang = contact_create(actor=manager, account=account, name="Zhang Min")
    link_add(actor=manager, source=li, target=zhang, kind="opposes")

    kinds = {entry.kind for entry in account_timeline(account=account)}

    assert {"contact", "influence_link"} <= kinds
    assert (kind_label("contact"), kind_label("influence_link")) == ("contact", "influence link")


def test_the_history_costs_a_fixed_few_queries_whatever_its_size(
    account, manager, django_assert_max_num_queries
) -> None:
    people = [contact_create(actor=manager, account=account, name=f"P{i}") for i in range(15)]
    for person in people[1:]:
        contact_update(actor=manager, contact=person, reports_to_id=people[0].pk)
        link_add(actor=manager, source=person, target=people[0], kind="trusts")

    # people and links, each with their previous versions, and the names: five at most
    with django_assert_max_num_queries(5):
        entries = relationships_history(account, 500)

    assert len(entries) == 15 + 14 + 14
