"""The portfolio's section of the account page, registered in PortfolioConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.accounts.panels import AccountPanel, Place

STRATEGY_PANEL = AccountPanel(
    key="strategy-panel",
    title=_("Portfolio and strategy"),
    order=20,
    place=Place.TOP,
    url_name="account_strategy",
)
