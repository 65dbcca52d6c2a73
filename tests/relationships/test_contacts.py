"""Writes to the buying centre's people (DOMAIN §7): duplicates, reporting lines, leaving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kam.core.errors import InvalidInput, PermissionDenied
from kam.relationships.importing import contacts_import
from kam.relationships.models import Contact
from kam.relationships.services import (
    DuplicateContact,
    contact_create,
    contact_delete,
    contact_mark_left,
    contact_mark_returned,
    contact_update,
    contacts_import_vcards,
    contacts_merge,
    duplicate_of,
    link_add,
    phone_key,
)
from kam.relationships.signals import contacts_changed
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="Acme")


def test_a_contact_is_created_with_its_channels_and_author(account, manager) -> None:
    contact = contact_create(
        actor=manager,
        account=account,
        name="  Wang Wei ",
        email="wang@acme.example",
        phone="+86 138 0013 8000",
        wechat="wangwei88",
        influence=4,
    )

    assert (contact.name, contact.wechat, contact.influence) == ("Wang Wei", "wangwei88", 4)
    assert contact.initials == "WW"
    assert contact.history.get().history_user == manager


def test_every_write_tells_the_map_it_changed(account, manager) -> None:
    heard = []

    def listen(sender, account, actor, **kwargs):
        heard.append((account.pk, actor.pk))

    contacts_changed.connect(listen)
    try:
        contact_create(actor=manager, account=account, name="Li Na")
    finally:
        contacts_changed.disconnect(listen)

    assert heard == [(account.pk, manager.pk)]


def test_a_bad_rating_is_refused_naming_the_field(account, manager) -> None:
    with pytest.raises(InvalidInput) as refused:
        contact_create(actor=manager, account=account, name="Li Na", influence=9)

    assert refused.value.errors[0].field == "influence"
    assert not Contact.objects.exists()


def test_an_unknown_field_is_refused(account, manager) -> None:
    with pytest.raises(InvalidInput, match="merged_into"):
        contact_create(actor=manager, account=account, name="Li Na", merged_into=None)


def test_the_same_email_in_another_case_is_a_duplicate(account, manager) -> None:
    first = ContactFactory(account=account, email="li.na@acme.example")

    with pytest.raises(DuplicateContact) as refused:
        contact_create(actor=manager, account=account, name="Li Na", email="LI.NA@Acme.Example")

    assert (refused.value.errors[0].field, refused.value.existing) == ("email", first)
    assert refused.value.status == 409
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("stored", "entered"),
    [
        ("+86 138 0013 8000", "138-0013-8000"),
        ("0086 13800138000", "+86 (138) 0013 8000"),
        ("(010) 8888 1234", "+86 10 8888 1234"),
    ],
)
def test_the_same_phone_written_differently_is_a_duplicate(
    account, manager, stored, entered
) -> None:
    first = ContactFactory(account=account, phone=stored)

    with pytest.raises(DuplicateContact) as refused:
        contact_create(actor=manager, account=account, name="Li Na", phone=entered)

    assert (refused.value.errors[0].field, refused.value.existing) == ("phone", first)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("+44 20 1234 5678", "020 1234 5678"),  # London is not Guangzhou
        ("138 0013 8000", "138 0013 8001"),
        ("8601 2345", "01 2345"),  # too short to hold a country code
    ],
)
def test_different_numbers_are_not_duplicates(one, other) -> None:
    assert phone_key(one) != phone_key(other)


def test_an_extension_identifies_nobody(account, manager) -> None:
    ContactFactory(account=account, phone="801")

    contact = contact_create(actor=manager, account=account, name="Li Na", phone="801")

    assert phone_key("801") == ""
    assert contact.pk


def test_the_same_email_at_another_account_is_no_duplicate(account, manager) -> None:
    ContactFactory(account=AccountFactory(owner=manager), email="li.na@acme.example")

    contact = contact_create(
        actor=manager, account=account, name="Li Na", email="li.na@acme.example"
    )

    assert contact.pk


def test_an_edit_that_takes_another_contacts_email_is_refused(account, manager) -> None:
    ContactFactory(account=account, email="li.na@acme.example")
    other = ContactFactory(account=account, email="zhang@acme.example")

    with pytest.raises(DuplicateContact):
        contact_update(actor=manager, contact=other, email="Li.Na@acme.example")

    other.refresh_from_db()
    assert other.email == "zhang@acme.example"


def test_a_contact_keeps_its_own_email_on_an_edit(account, manager) -> None:
    contact = ContactFactory(account=account, email="li.na@acme.example")

    contact_update(actor=manager, contact=contact, email="LI.NA@acme.example", title="Buyer")

    contact.refresh_from_db()
    assert contact.title == "Buyer"


def test_a_merged_contact_no_longer_clashes(account, manager) -> None:
    keep = ContactFactory(account=account, email="li.na@acme.example")
    duplicate = ContactFactory(account=account, phone="138 0013 8000")
    contacts_merge(actor=manager, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    contact_update(actor=manager, contact=keep, phone="")

    contact = contact_create(actor=manager, account=account, name="Li", phone="13800138000")

    assert contact.pk


def test_reporting_to_oneself_is_refused(account, manager) -> None:
    contact = ContactFactory(account=account, name="Li Na")

    with pytest.raises(InvalidInput, match="themselves") as refused:
        contact_update(actor=manager, contact=contact, reports_to_id=contact.pk)

    assert refused.value.errors[0].field == "reports_to"


def test_two_people_reporting_to_each_other_is_refused_naming_the_chain(account, manager) -> None:
    boss = ContactFactory(account=account, name="Zhang Min")
    report = ContactFactory(account=account, name="Li Na", reports_to=boss)

    with pytest.raises(InvalidInput) as refused:
        contact_update(actor=manager, contact=boss, reports_to_id=report.pk)

    assert refused.value.errors[0].field == "reports_to"
    assert "Zhang Min → Li Na → Zhang Min" in refused.value.message
    boss.refresh_from_db()
    assert boss.reports_to is None


def test_a_long_chain_closing_on_itself_is_refused(account, manager) -> None:
    top = ContactFactory(account=account, name="A")
    middle = ContactFactory(account=account, name="B", reports_to=top)
    lower = ContactFactory(account=account, name="C", reports_to=middle)
    bottom = ContactFactory(account=account, name="D", reports_to=lower)

    with pytest.raises(InvalidInput, match="A → D → C → B → A"):
        contact_update(actor=manager, contact=top, reports_to_id=bottom.pk)


def test_a_reporting_line_that_stays_a_tree_is_kept(account, manager) -> None:
    top = ContactFactory(account=account)
    middle = ContactFactory(account=account, reports_to=top)
    other = ContactFactory(account=account)

    contact_update(actor=manager, contact=other, reports_to_id=middle.pk)
    contact_update(actor=manager, contact=other, reports_to_id=None)

    other.refresh_from_db()
    assert other.reports_to is None
    assert [row.reports_to_id for row in other.history.order_by("history_date")] == [
        None,
        middle.pk,
        None,
    ]


def test_a_boss_at_another_account_is_refused(account, manager) -> None:
    stranger = ContactFactory(account=AccountFactory(owner=manager))

    with pytest.raises(InvalidInput) as refused:
        contact_create(actor=manager, account=account, name="Li Na", reports_to_id=stranger.pk)

    assert refused.value.errors[0].field == "reports_to"
    assert not Contact.objects.filter(account=account).exists()


def test_a_merged_contact_cannot_be_a_boss(account, manager) -> None:
    keep = ContactFactory(account=account)
    gone = ContactFactory(account=account)
    contacts_merge(actor=manager, keep=keep, duplicate=gone)

    with pytest.raises(InvalidInput):
        contact_create(actor=manager, account=account, name="Li Na", reports_to_id=gone.pk)


def test_a_contact_who_leaves_gets_todays_date(account, manager) -> None:
    contact = ContactFactory(account=account, buying_role="coach")

    left = contact_mark_left(actor=manager, contact=contact)

    assert (left.active, left.left_on) == (False, timezone.localdate())
    assert left.history.first().history_user == manager


def test_a_contact_who_left_on_a_given_day_keeps_it_and_may_return(account, manager) -> None:
    contact = ContactFactory(account=account, buying_role="coach", influence=4)

    contact_mark_left(actor=manager, contact=contact, left_on=dt.date(2026, 9, 30))
    back = contact_mark_returned(actor=manager, contact=contact)

    assert (back.active, back.left_on) == (True, None)
    past = [(r.active, r.left_on, r.buying_role) for r in back.history.order_by("history_date")]
    assert past[-2] == (False, dt.date(2026, 9, 30), "coach")


def test_a_read_only_role_changes_nothing(account, executive) -> None:
    contact = ContactFactory(account=account)
    writes = [
        lambda: contact_create(actor=executive, account=account, name="Spy"),
        lambda: contact_update(actor=executive, contact=contact, title="Spy"),
        lambda: contact_mark_left(actor=executive, contact=contact),
        lambda: contact_mark_returned(actor=executive, contact=contact),
        lambda: contact_delete(actor=executive, contact=contact),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()

    contact.refresh_from_db()
    assert (contact.title, contact.active, Contact.objects.count()) == ("", True, 1)


def test_a_deleted_contact_takes_its_links_and_frees_its_reports(account, manager) -> None:
    boss = ContactFactory(account=account)
    report = ContactFactory(account=account, reports_to=boss)
    link_add(actor=manager, source=report, target=boss, kind="trusts")
    boss_id = boss.pk

    contact_delete(actor=manager, contact=boss)

    report.refresh_from_db()
    assert report.reports_to is None
    assert not account.influence_links.exists()
    assert Contact.history.filter(id=boss_id, history_type="-").get().history_user == manager


def test_a_deleted_contact_takes_the_records_merged_into_it(account, manager) -> None:
    keep = ContactFactory(account=account)
    first = ContactFactory(account=account)
    second = ContactFactory(account=account)
    contacts_merge(actor=manager, keep=first, duplicate=second)
    contacts_merge(actor=manager, keep=keep, duplicate=first)

    contact_delete(actor=manager, contact=keep)

    # Without this the merged records would surface again as live contacts.
    assert not Contact.objects.filter(account=account).exists()


def test_duplicates_by_phone_are_looked_up_by_the_stored_key(
    account, manager, django_assert_max_num_queries
) -> None:
    first = ContactFactory(account=account, phone="+86 138 0013 8000")
    probe = Contact(account=account, phone="138-0013-8000")

    with django_assert_max_num_queries(1):
        found = duplicate_of(probe)

    assert found == ("phone", first)
    # The store's column answers, not the phones read back: a row without its key is missed.
    Contact.objects.filter(pk=first.pk).update(phone_key="")
    assert duplicate_of(probe) is None


def test_the_phone_key_follows_every_write(account, manager, tmp_path) -> None:
    def key(contact: Contact) -> str:
        return Contact.objects.values_list("phone_key", flat=True).get(pk=contact.pk)

    contact = contact_create(actor=manager, account=account, name="Li Na", phone="010 8888 1234")
    assert key(contact) == "1088881234"

    contact_update(actor=manager, contact=contact, phone="+86 138 0013 8000")
    assert key(contact) == "13800138000"

    duplicate = ContactFactory(account=account, name="Li N.", phone="")
    contacts_merge(actor=manager, keep=duplicate, duplicate=contact)
    assert key(duplicate) == "13800138000"

    path = tmp_path / "contacts.csv"
    path.write_text(f"account,name,phone\n{account.code},Li N.,139 0000 1111\n", encoding="utf-8")
    assert contacts_import(actor=manager, path=path).status == "imported"
    assert key(duplicate) == "13900001111"

    vcard = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Li N.\r\nEMAIL:li@acme.example\r\n"
        "TEL:0086 137 0000 2222\r\nEND:VCARD\r\n"
    )
    Contact.objects.filter(pk=duplicate.pk).update(email="li@acme.example")
    contacts_import_vcards(actor=manager, account=account, text=vcard, update_existing=True)
    assert key(duplicate) == "13700002222"
