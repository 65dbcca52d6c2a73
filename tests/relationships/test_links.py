"""Influence links between the people of one account (DOMAIN §7)."""

from __future__ import annotations

import pytest

from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.relationships.models import InfluenceLink
from kam.relationships.services import (
    contacts_merge,
    link_add,
    link_remove,
    link_update,
)
from tests.factories import AccountFactory, ContactFactory, InfluenceLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(manager):
    account = AccountFactory(owner=manager)
    return ContactFactory(account=account, name="Li Na"), ContactFactory(
        account=account, name="Zhang Min"
    )


def test_a_link_is_added_with_its_author(pair, manager) -> None:
    source, target = pair

    link = link_add(actor=manager, source=source, target=target, kind="trusts", strength=3)

    assert (link.account_id, link.kind, link.strength) == (source.account_id, "trusts", 3)
    assert link.history.get().history_user == manager


def test_the_same_link_twice_is_a_conflict(pair, manager) -> None:
    source, target = pair
    link_add(actor=manager, source=source, target=target, kind="opposes")

    with pytest.raises(Conflict):
        link_add(actor=manager, source=source, target=target, kind="opposes")

    assert InfluenceLink.objects.count() == 1


def test_the_other_way_round_or_another_kind_is_another_link(pair, manager) -> None:
    source, target = pair
    link_add(actor=manager, source=source, target=target, kind="trusts")

    link_add(actor=manager, source=target, target=source, kind="trusts")
    link_add(actor=manager, source=source, target=target, kind="opposes")

    assert InfluenceLink.objects.count() == 3


def test_a_link_to_oneself_is_refused(pair, manager) -> None:
    source, _target = pair

    with pytest.raises(InvalidInput) as refused:
        link_add(actor=manager, source=source, target=source, kind="trusts")

    assert refused.value.errors[0].field == "target"


def test_a_link_to_another_accounts_contact_is_refused(pair, manager) -> None:
    source, _target = pair
    stranger = ContactFactory(account=AccountFactory(owner=manager))

    with pytest.raises(InvalidInput, match="same account"):
        link_add(actor=manager, source=source, target=stranger, kind="trusts")

    assert not InfluenceLink.objects.exists()


def test_a_link_to_a_merged_contact_is_refused(pair, manager) -> None:
    source, target = pair
    keep = ContactFactory(account=source.account)
    contacts_merge(actor=manager, keep=keep, duplicate=target)

    with pytest.raises(InvalidInput, match="merged"):
        link_add(actor=manager, source=source, target=target, kind="trusts")


@pytest.mark.parametrize(("field", "value"), [("strength", 4), ("strength", 0), ("kind", "loves")])
def test_a_bad_strength_or_kind_is_refused_naming_the_field(pair, manager, field, value) -> None:
    source, target = pair
    values = {"kind": "trusts", "strength": 2, field: value}

    with pytest.raises(InvalidInput) as refused:
        link_add(actor=manager, source=source, target=target, **values)

    assert refused.value.errors[0].field == field


def test_a_link_changes_kind_strength_and_note(pair, manager) -> None:
    source, target = pair
    link = InfluenceLinkFactory(source=source, target=target)

    link_update(actor=manager, link=link, kind="opposes", strength=1, note="  lost a bid ")

    link.refresh_from_db()
    assert (link.kind, link.strength, link.note) == ("opposes", 1, "lost a bid")
    assert link.history.first().history_user == manager


def test_a_change_that_repeats_another_link_is_a_conflict(pair, manager) -> None:
    source, target = pair
    InfluenceLinkFactory(source=source, target=target, kind="opposes")
    link = InfluenceLinkFactory(source=source, target=target, kind="trusts")

    with pytest.raises(Conflict):
        link_update(actor=manager, link=link, kind="opposes")

    link.refresh_from_db()
    assert link.kind == "trusts"


def test_an_unknown_field_of_a_link_is_refused(pair, manager) -> None:
    link = InfluenceLinkFactory(source=pair[0], target=pair[1])

    with pytest.raises(InvalidInput):
        link_update(actor=manager, link=link, target=pair[0])


def test_a_removed_link_stays_in_history(pair, manager) -> None:
    link = InfluenceLinkFactory(source=pair[0], target=pair[1])
    link_id = link.pk

    link_remove(actor=manager, link=link)

    assert not InfluenceLink.objects.exists()
    assert InfluenceLink.history.get(id=link_id, history_type="-").history_user == manager


def test_a_read_only_role_changes_no_link(pair, executive) -> None:
    source, target = pair
    link = InfluenceLinkFactory(source=source, target=target)
    writes = [
        lambda: link_add(actor=executive, source=target, target=source, kind="trusts"),
        lambda: link_update(actor=executive, link=link, strength=3),
        lambda: link_remove(actor=executive, link=link),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()

    link.refresh_from_db()
    assert (InfluenceLink.objects.count(), link.strength) == (1, 2)
