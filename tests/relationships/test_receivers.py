"""What the buying centre hears from engagement (DOMAIN §7, §9): contacts met, decision makers."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.accounts.people import decision_makers
from kam.accounts.signals import contacts_met
from kam.relationships.models import Contact
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_contacts_met_moves_the_last_contact_forward_only(manager) -> None:
    account = AccountFactory(owner=manager)
    old = ContactFactory(account=account, last_contact=dt.date(2026, 1, 1))
    new = ContactFactory(account=account, last_contact=dt.date(2026, 12, 1))

    contacts_met.send(None, contact_ids=[old.pk, new.pk], on=dt.date(2026, 6, 1), actor=manager)

    dates = dict(Contact.objects.values_list("pk", "last_contact"))
    assert dates == {old.pk: dt.date(2026, 6, 1), new.pk: dt.date(2026, 12, 1)}
    assert old.history.count() == 2
    assert new.history.count() == 1


def test_only_active_decision_makers_are_provided() -> None:
    account = AccountFactory()
    wang = ContactFactory(account=account, name="Wang Wei", buying_role="decision_maker")
    ContactFactory(account=account, name="Gone", buying_role="decision_maker", active=False)
    ContactFactory(account=account, name="Twin", buying_role="decision_maker", merged_into=wang)
    ContactFactory(account=account, name="Li Na", buying_role="user")

    found = decision_makers([account.pk])

    assert [(p.contact_id, p.name) for p in found[account.pk]] == [(wang.pk, "Wang Wei")]
