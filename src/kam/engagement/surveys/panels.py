"""The satisfaction panel of the account page (DOMAIN §9), registered in EngagementConfig."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.accounts.panels import AccountPanel, Place

SURVEYS_PANEL = AccountPanel(
    key="surveys",
    title=_("Satisfaction"),
    order=30,
    place=Place.MIDDLE,
    url_name="account_surveys",
)


def register_surveys() -> None:
    """The surveys part's panel and importer (EngagementConfig.ready)."""
    from kam.accounts.panels import register
    from kam.engagement.surveys.importing import register_importers

    register(SURVEYS_PANEL)
    register_importers()
