"""The engagement app's alert kinds, one module per part (kam.alerts.registry)."""

from kam.engagement.activities import alerts as activities_alerts  # noqa: F401
