"""The store's own bulk paths: keys reserved ahead, rows inserted and updated in bulk."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.core.bulk import insert_objects, reserve_ids, update_objects
from kam.relationships.models import Contact
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_reserved_keys_are_new_and_never_a_deleted_rows() -> None:
    account = AccountFactory()
    ContactFactory(account=account)
    last = ContactFactory(account=account)
    last_pk = last.pk
    last.delete()

    keys = reserve_ids(Contact, 3)

    assert len(set(keys)) == 3
    assert min(keys) > last_pk


def test_objects_are_inserted_with_their_keys_and_updated_column_by_column() -> None:
    account = AccountFactory()
    boss_key, report_key = reserve_ids(Contact, 2)
    report = Contact(
        pk=report_key,
        account=account,
        name="Li",
        reports_to_id=boss_key,
        left_on=dt.date(2026, 3, 1),
    )
    boss = Contact(pk=boss_key, account=account, name="Zhang", influence=5)

    insert_objects(Contact, [report, boss])  # the boss after the report: keys checked at commit
    report.title, report.name = "Buyer", "Not written"
    update_objects(Contact, [report], ["title"])

    saved = Contact.objects.get(pk=report_key)
    assert (saved.name, saved.title, saved.reports_to.name, saved.left_on) == (
        "Li",
        "Buyer",
        "Zhang",
        dt.date(2026, 3, 1),
    )
    assert Contact.objects.get(pk=boss_key).influence == 5
