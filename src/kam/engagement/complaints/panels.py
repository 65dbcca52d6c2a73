"""Open complaints with their SLA clocks on the account page (DOMAIN §9), registered in
EngagementConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.panels import AccountPanel, Place
from kam.engagement.complaints.selectors import open_complaints_of
from kam.org.models import User


def open_complaints(actor: User, account: Account) -> Mapping[str, Any]:
    return {"account": account, "rows": open_complaints_of(actor=actor, account_id=account.pk)}


COMPLAINTS_PANEL = AccountPanel(
    key="complaints",
    title=_("Open complaints"),
    order=20,
    place=Place.MIDDLE,
    template="engagement/complaints/account_complaints.html",
    context=open_complaints,
)
