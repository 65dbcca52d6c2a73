"""The buying centre on the account page (DOMAIN §7), registered in RelationshipsConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.panels import AccountPanel, Place
from kam.org.models import User
from kam.relationships.selectors import account_contacts


def buying_centre(actor: User, account: Account) -> Mapping[str, Any]:
    return {"contacts": account_contacts(actor, account.pk)[:200]}


BUYING_CENTRE_PANEL = AccountPanel(
    key="contacts",
    title=_("Buying centre"),
    order=10,
    place=Place.MIDDLE,
    template="relationships/account_contacts.html",
    context=buying_centre,
)
