"""The ledger's section of the account page, registered in LedgerConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.accounts.panels import AccountPanel, Place

SALES_PANEL = AccountPanel(
    key="sales-panel", title=_("Sales"), order=10, place=Place.TOP, url_name="account_sales"
)
