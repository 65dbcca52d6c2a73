"""The trainings panel of the account page (DOMAIN §9), registered in EngagementConfig."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.accounts.panels import AccountPanel, Place

TRAININGS_PANEL = AccountPanel(
    key="trainings",
    title=_("Trainings"),
    order=40,
    place=Place.MIDDLE,
    url_name="account_trainings",
)
