"""The buying centre as vCard 4.0 (RFC 6350), checked with a real vCard parser (vobject)."""

from __future__ import annotations

import datetime as dt

import pytest
import vobject

from kam.core.errors import InvalidInput
from kam.relationships.models import Contact
from kam.relationships.services import contact_update
from kam.relationships.vcard import contact_uid, contacts_vcard, fold, parse_vcards
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(manager):
    account = AccountFactory(owner=manager, name="Acme, Shanghai; Ltd")
    return ContactFactory(
        account=account,
        name="王伟",
        department="采购部",
        title="Head of purchasing, Asia",
        email="wang@acme.example",
        phone="+86 138 0013 8000",
        wechat="wangwei88",
        address="上海市浦东新区 世纪大道 100 号, 12 楼",
        notes="Likes tea; hates golf.\nCall before 10.",
        buying_role="decision_maker",
        influence=5,
        attitude="supporter",
        closeness=4,
        last_contact=dt.date(2026, 10, 2),
    )


def exported(*contacts: Contact) -> str:
    ids = [contact.pk for contact in contacts]
    return contacts_vcard(Contact.objects.filter(pk__in=ids).select_related("account"))


def test_a_real_parser_reads_every_field_back(wang) -> None:
    card = vobject.readOne(exported(wang))

    assert card.version.value == "4.0"
    assert card.kind.value == "individual"
    assert card.fn.value == "王伟"
    assert card.org.value == ["Acme, Shanghai; Ltd", "采购部"]
    assert card.title.value == "Head of purchasing, Asia"
    assert card.role.value == "Decision maker"
    assert card.email.value == "wang@acme.example"
    assert card.tel.value == "+86 138 0013 8000"
    assert card.x_wechat.value == "wangwei88"
    assert card.note.value == "Likes tea; hates golf.\nCall before 10."
    assert card.x_kam_influence.value == "5"
    assert card.uid.value == contact_uid(wang)
    assert card.rev.value.endswith("Z")


def test_lines_end_in_crlf_and_fold_at_75_octets_without_breaking_a_character(wang) -> None:
    contact_update(actor=wang.account.owner, contact=wang, notes="长" * 200)

    text = exported(wang)

    lines = text.split("\r\n")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert max(len(line.encode()) for line in lines) <= 75
    assert vobject.readOne(text).note.value == "长" * 200


def test_folding_counts_octets() -> None:
    line = "NOTE:" + "é" * 100  # two octets each

    folded = fold(line).split("\r\n")

    assert [len(part.encode()) for part in folded] == [75, 75, 57]
    assert "".join(part.removeprefix(" ") for part in folded) == line


def test_the_uid_is_stable_and_differs_between_contacts(wang) -> None:
    other = ContactFactory(account=wang.account)

    first, second = exported(wang), exported(wang)

    assert contact_uid(wang) in first
    assert first.count("UID:") == second.count("UID:") == 1
    assert contact_uid(wang) != contact_uid(other)
    assert contact_uid(wang).startswith("urn:uuid:")


def test_every_contact_of_the_account_is_a_card(wang, django_assert_max_num_queries) -> None:
    for index in range(20):
        ContactFactory(account=wang.account, name=f"Person {index}")
    contacts = Contact.objects.filter(account=wang.account).select_related("account")

    with django_assert_max_num_queries(2):
        text = contacts_vcard(contacts)

    assert len(list(vobject.readComponents(text))) == 21


def test_the_export_parses_back_to_the_same_fields(wang) -> None:
    (fields,) = parse_vcards(exported(wang))

    assert fields == {
        "name": "王伟",
        "department": "采购部",
        "title": "Head of purchasing, Asia",
        "email": "wang@acme.example",
        "phone": "+86 138 0013 8000",
        "wechat": "wangwei88",
        "address": "上海市浦东新区 世纪大道 100 号, 12 楼",
        "notes": "Likes tea; hates golf.\nCall before 10.",
        "buying_role": "decision_maker",
        "influence": "5",
        "attitude": "supporter",
        "closeness": "4",
        "last_contact": "2026-10-02",
    }


def test_a_card_written_by_a_real_writer_is_read() -> None:
    card = vobject.vCard()
    card.add("fn").value = "Li Na, PhD"
    card.add("n").value = vobject.vcard.Name(family="Li", given="Na")
    card.add("org").value = ["Acme", "Quality"]
    card.add("email").value = "li.na@acme.example"
    tel = card.add("tel")
    tel.value = "tel:+86-10-8888-1234"
    card.add("note").value = "First line\nsecond; with, punctuation"
    card.add("role").value = "技术评估者"

    (fields,) = parse_vcards(card.serialize())

    assert fields["name"] == "Li Na, PhD"
    assert fields["department"] == "Quality"
    assert fields["phone"] == "+86-10-8888-1234"
    assert fields["notes"] == "First line\nsecond; with, punctuation"
    assert fields["buying_role"] == "technical_evaluator"


def test_an_old_phone_export_is_read() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B;=E4=BC=9F;;;\r\n"
        "TEL;CELL;PREF:13800138000\r\n"
        "IMPP;X-SERVICE-TYPE=WeChat:x-apple:ww88\r\n"
        "ROLE:Project lead\r\n"
        "END:VCARD\r\n"
    )

    (fields,) = parse_vcards(text)

    assert fields == {"name": "王伟", "phone": "13800138000", "wechat": "ww88"}


def test_text_without_a_card_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_vcards("name,email\nLi,li@example.com\n")

    assert refused.value.errors[0].field == "file"


def test_a_card_with_control_characters_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Card 2"):
        parse_vcards("BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\nNOTE:bad\x00\nEND:VCARD\n")
