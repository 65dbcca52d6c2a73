"""Merging two records of one person (DOMAIN §7 duplicates): both histories remain."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.core.errors import InvalidInput, PermissionDenied
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.selectors import account_contacts
from kam.relationships.services import contact_update, contacts_merge
from tests.factories import AccountFactory, ContactFactory, InfluenceLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager)


def test_the_kept_contacts_values_win_and_its_blanks_are_filled(account, manager) -> None:
    keep = ContactFactory(
        account=account, name="Wang Wei", title="CTO", closeness=4, last_contact=dt.date(2026, 9, 1)
    )
    duplicate = ContactFactory(
        account=account,
        name="W. Wei",
        title="Engineer",
        phone="138 0013 8000",
        wechat="ww88",
        closeness=2,
        influence=5,
        last_contact=dt.date(2026, 10, 1),
    )

    kept = contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    assert (kept.name, kept.title, kept.closeness) == ("Wang Wei", "CTO", 4)
    assert (kept.phone, kept.wechat, kept.influence) == ("138 0013 8000", "ww88", 5)
    assert kept.last_contact == dt.date(2026, 10, 1)  # the later one counts


def test_both_notes_are_kept(account, manager) -> None:
    keep = ContactFactory(account=account, notes="Likes tea.")
    duplicate = ContactFactory(account=account, notes="Plays golf.")

    kept = contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    assert kept.notes == "Likes tea.\n\nPlays golf."


def test_both_histories_remain_and_the_duplicate_is_hidden(account, manager) -> None:
    keep = ContactFactory(account=account)
    duplicate = ContactFactory(account=account)
    contact_update(actor=manager, contact=duplicate, title="Buyer")

    contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert duplicate.history.count() == 3  # created, retitled, merged
    assert duplicate.history.first().history_user == manager
    assert keep.history.count() == 2
    assert list(account_contacts(manager, account.pk)) == [keep]


def test_reports_and_the_reporting_line_move_to_the_kept_contact(account, manager) -> None:
    boss = ContactFactory(account=account)
    keep = ContactFactory(account=account)
    duplicate = ContactFactory(account=account, reports_to=boss)
    report = ContactFactory(account=account, reports_to=duplicate)

    contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    keep.refresh_from_db()
    report.refresh_from_db()
    duplicate.refresh_from_db()
    assert (keep.reports_to, report.reports_to, duplicate.reports_to) == (boss, keep, None)
    assert report.history.first().history_user == manager


def test_a_reporting_line_that_would_close_a_cycle_is_not_taken(account, manager) -> None:
    # keep ← report; the duplicate reports to `report`: taking that line would be a circle.
    keep = ContactFactory(account=account)
    report = ContactFactory(account=account, reports_to=keep)
    duplicate = ContactFactory(account=account, reports_to=report)

    kept = contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    assert kept.reports_to is None


def test_the_kept_contact_reporting_to_the_duplicate_takes_its_boss(account, manager) -> None:
    boss = ContactFactory(account=account)
    duplicate = ContactFactory(account=account, reports_to=boss)
    keep = ContactFactory(account=account, reports_to=duplicate)

    kept = contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    assert kept.reports_to == boss


def test_links_move_and_a_repeated_or_self_pointing_one_is_dropped(account, manager) -> None:
    keep = ContactFactory(account=account)
    duplicate = ContactFactory(account=account)
    other = ContactFactory(account=account)
    third = ContactFactory(account=account)
    InfluenceLinkFactory(source=keep, target=other, kind="trusts")
    InfluenceLinkFactory(source=duplicate, target=other, kind="trusts")  # repeats keep's
    InfluenceLinkFactory(source=duplicate, target=keep, kind="opposes")  # would point at itself
    moved = InfluenceLinkFactory(source=third, target=duplicate, kind="opposes")

    contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    lines = set(InfluenceLink.objects.values_list("source_id", "target_id", "kind"))
    assert lines == {(keep.pk, other.pk, "trusts"), (third.pk, keep.pk, "opposes")}
    assert moved.history.first().history_user == manager
    assert InfluenceLink.history.filter(history_type="-").count() == 2


def test_a_contact_cannot_be_merged_with_itself(account, manager) -> None:
    keep = ContactFactory(account=account)

    with pytest.raises(InvalidInput) as refused:
        contacts_merge(actor=manager, keep=keep, duplicate=keep)

    assert refused.value.errors[0].field == "duplicate"


def test_contacts_of_two_accounts_are_not_merged(account, manager) -> None:
    keep = ContactFactory(account=account)
    stranger = ContactFactory(account=AccountFactory(owner=manager))

    with pytest.raises(InvalidInput, match="same account"):
        contacts_merge(actor=manager, keep=keep, duplicate=stranger)

    stranger.refresh_from_db()
    assert stranger.merged_into is None


def test_a_merged_contact_is_not_merged_again(account, manager) -> None:
    keep = ContactFactory(account=account)
    duplicate = ContactFactory(account=account)
    contacts_merge(actor=manager, keep=keep, duplicate=duplicate)

    with pytest.raises(InvalidInput, match="merged already"):
        contacts_merge(actor=manager, keep=ContactFactory(account=account), duplicate=duplicate)


def test_a_read_only_role_merges_nothing(account, executive) -> None:
    keep = ContactFactory(account=account)
    duplicate = ContactFactory(account=account)

    with pytest.raises(PermissionDenied):
        contacts_merge(actor=executive, keep=keep, duplicate=duplicate)

    assert Contact.objects.filter(merged_into__isnull=False).count() == 0
