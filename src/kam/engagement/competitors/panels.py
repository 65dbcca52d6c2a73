"""The competitor moves panel of the account page (DOMAIN §9), registered in
EngagementConfig."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.accounts.panels import AccountPanel, Place

COMPETITORS_PANEL = AccountPanel(
    key="competitors",
    title=_("Competitor moves"),
    order=45,
    place=Place.MIDDLE,
    url_name="account_competitor_moves",
)
