"""The risk section of the account page, registered in RiskConfig.ready() (DOMAIN §10)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.accounts.panels import AccountPanel, Place

# Right after the portfolio's strategy (order 20); the win-back panel follows at 35.
RISK_PANEL = AccountPanel(
    key="risk-panel", title=_("Churn risk"), order=34, place=Place.TOP, url_name="account_risk"
)
