"""Contacts from vCards (DOMAIN §7): through the services, whole or not at all."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.core.errors import InvalidInput, PermissionDenied
from kam.relationships.models import Contact
from kam.relationships.services import contacts_import_vcards
from kam.relationships.signals import contacts_changed
from kam.relationships.vcard import contacts_vcard
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def card(name: str, *lines: str) -> str:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:4.0", f"FN:{name}", *lines, "END:VCARD", ""])


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="Acme")


def people(account) -> list[tuple]:
    return sorted(
        Contact.objects.filter(account=account).values_list(
            "name", "department", "title", "email", "phone", "wechat", "address", "notes",
            "buying_role", "influence", "attitude", "closeness", "solution_approval",
            "price_acceptance", "last_contact", "active", "left_on",
        )
    )  # fmt: skip


def test_an_export_imported_into_another_account_gives_the_same_people(manager) -> None:
    source = AccountFactory(owner=manager, name="Source Co")
    ContactFactory(
        account=source,
        name="王伟",
        department="采购部",
        title="Director, purchasing; Asia",
        email="wang@acme.example",
        phone="+86 138 0013 8000",
        wechat="ww88",
        address="上海市, 浦东新区",
        notes="Two lines\nof notes, with; punctuation \\ and a backslash",
        buying_role="decision_maker",
        influence=5,
        attitude="champion",
        closeness=4,
        solution_approval=3,
        price_acceptance=2,
        last_contact="2026-10-02",
    )
    ContactFactory(account=source, name="Li Na", active=False, left_on="2026-09-30")
    ContactFactory(account=source, name="Zhang Min", buying_role="coach")
    text = contacts_vcard(Contact.objects.filter(account=source).select_related("account"))
    target = AccountFactory(owner=manager, name="Target Co")

    result = contacts_import_vcards(actor=manager, account=target, text=text)

    assert (result.created, result.updated) == (3, 0)
    assert people(target) == people(source)
    assert Contact.objects.filter(account=target).first().history.first().history_user == manager


def test_a_card_matching_a_contact_is_refused_as_a_duplicate(account, manager) -> None:
    existing = ContactFactory(account=account, name="Li Na", email="li@acme.example")
    text = card("New Person") + card("Li N.", "EMAIL:LI@acme.example")

    with pytest.raises(InvalidInput) as refused:
        contacts_import_vcards(actor=manager, account=account, text=text)

    (error,) = refused.value.errors
    assert error.field == "cards.2.email"
    assert "Card 2" in error.message and existing.name in error.message
    assert list(Contact.objects.all()) == [existing]  # card 1 was not written either


def test_with_update_existing_a_matching_card_updates_the_contact(account, manager) -> None:
    existing = ContactFactory(account=account, name="Li Na", phone="138 0013 8000", title="")
    text = card("Li Na", "TEL:+86 13800138000", "TITLE:Buyer") + card("Zhang Min")

    result = contacts_import_vcards(actor=manager, account=account, text=text, update_existing=True)

    existing.refresh_from_db()
    assert (result.created, result.updated) == (1, 1)
    assert existing.title == "Buyer"


def test_two_cards_for_one_person_are_refused_whatever_the_flag(account, manager) -> None:
    text = card("Li Na", "TEL:138 0013 8000") + card("Li", "TEL:+86 138-0013-8000")

    with pytest.raises(InvalidInput) as refused:
        contacts_import_vcards(actor=manager, account=account, text=text, update_existing=True)

    assert refused.value.errors[0].field == "cards.2.phone"
    assert "card 1" in refused.value.errors[0].message
    assert not Contact.objects.exists()


def test_every_bad_card_is_named_and_nothing_is_written(account, manager) -> None:
    text = card("Good") + card("Bad rating", "X-KAM-INFLUENCE:9") + card("", "TITLE:No name")

    with pytest.raises(InvalidInput) as refused:
        contacts_import_vcards(actor=manager, account=account, text=text)

    assert [error.field for error in refused.value.errors] == [
        "cards.2.influence",
        "cards.3.name",
    ]
    assert not Contact.objects.exists()


def test_a_read_only_role_imports_nothing(account, executive) -> None:
    with pytest.raises(PermissionDenied):
        contacts_import_vcards(actor=executive, account=account, text=card("Spy"))

    assert not Contact.objects.exists()


def cards(count: int, *extra: str) -> str:
    return "".join(
        card(
            f"Person {n}",
            f"EMAIL:p{n}@acme.example",
            f"TEL:+86 138 {n:04} 0000",
            "X-KAM-INFLUENCE:3",
        )
        for n in range(count)
    ) + "".join(extra)


def test_a_file_of_two_thousand_cards_is_written_in_a_few_queries(
    account, manager, django_assert_max_num_queries
) -> None:
    known = ContactFactory(account=account, name="Known", phone="(010) 8888 1234", title="")
    heard = []

    def listen(sender, account, **kwargs):
        heard.append(account.pk)

    text = cards(1999, card("Known", "TEL:+86 10 8888 1234", "TITLE:Boss"))
    contacts_changed.connect(listen)
    try:
        # Given 2,000 cards, one of them kam's contact: checked in memory, written in bulk.
        with django_assert_max_num_queries(12):
            result = contacts_import_vcards(
                actor=manager, account=account, text=text, update_existing=True
            )
    finally:
        contacts_changed.disconnect(listen)

    assert (result.created, result.updated) == (1999, 1)
    assert heard == [account.pk]  # the scores follow once, not per card
    person = Contact.objects.get(email="p1234@acme.example")
    assert (person.influence, person.phone_key) == (3, "13812340000")
    created = person.history.get()
    assert (created.history_type, created.history_user) == ("+", manager)
    known.refresh_from_db()
    assert known.title == "Boss"
    assert known.history.first().history_user == manager


def test_one_bad_card_of_two_thousand_writes_nothing(account, manager) -> None:
    ContactFactory(account=account, name="Known", phone="(010) 8888 1234")
    text = cards(1999, card("Someone else", "TEL:+86 10 8888 1234"))

    with pytest.raises(InvalidInput) as refused:
        contacts_import_vcards(actor=manager, account=account, text=text)

    (error,) = refused.value.errors
    assert error.field == "cards.2000.phone"
    assert "Card 2000" in error.message and "Known" in error.message
    assert Contact.objects.count() == 1


def test_a_card_may_not_take_the_phone_of_another_contact_it_does_not_update(
    account, manager
) -> None:
    ContactFactory(account=account, name="Li Na", email="li@acme.example")
    ContactFactory(account=account, name="Zhang Min", phone="138 0013 8000")
    text = card("Li Na", "EMAIL:li@acme.example", "TEL:13800138000")

    with pytest.raises(InvalidInput) as refused:
        contacts_import_vcards(actor=manager, account=account, text=text, update_existing=True)

    assert refused.value.errors[0].field == "cards.1.phone"
    assert "Zhang Min" in refused.value.errors[0].message
    assert not Contact.objects.filter(phone_key="13800138000", name="Li Na").exists()


def test_a_leaving_date_on_a_card_marks_the_person_left(account, manager) -> None:
    contacts_import_vcards(
        actor=manager, account=account, text=card("Li Na", "X-KAM-LEFT-ON:2026-09-30")
    )

    person = Contact.objects.get()
    assert (person.active, person.left_on) == (False, dt.date(2026, 9, 30))
    assert person.history.count() == 1
