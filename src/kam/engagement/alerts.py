"""The engagement app's alert kinds (AlertsConfig.ready() imports this module)."""

from kam.engagement.surveys import alerts as survey_alerts  # noqa: F401
