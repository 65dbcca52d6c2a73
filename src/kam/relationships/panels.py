"""The buying centre on the account page (DOMAIN §7), registered in RelationshipsConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.panels import AccountPanel, Place
from kam.org.models import User
from kam.relationships.models import Attitude, BuyingRole
from kam.relationships.selectors import account_contacts


def buying_centre(actor: User, account: Account) -> Mapping[str, Any]:
    """The contacts, and who is the account's champion now: only people still there (§7: a
    contact marked left keeps their past role, but champions no more)."""
    contacts = list(account_contacts(actor, account.pk)[:200])
    return {
        "contacts": contacts,
        "champions": [c for c in contacts if c.active and c.attitude == Attitude.CHAMPION],
        # Sponsors who left (§7 "sponsor left"): a champion or the coach.
        "champions_left": [
            c
            for c in contacts
            if not c.active
            and (c.attitude == Attitude.CHAMPION or c.buying_role == BuyingRole.COACH)
        ],
    }


BUYING_CENTRE_PANEL = AccountPanel(
    key="contacts",
    title=_("Buying centre"),
    order=10,
    place=Place.MIDDLE,
    template="relationships/account_contacts.html",
    context=buying_centre,
)
