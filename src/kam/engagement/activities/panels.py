"""The activities panel of the account page (DOMAIN §9), registered in EngagementConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from kam.accounts.panels import AccountPanel, Place

ACTIVITIES_PANEL = AccountPanel(
    key="activities-panel",
    title=_("Activities and cadence"),
    order=15,
    place=Place.MIDDLE,
    url_name="account_activities",
)
