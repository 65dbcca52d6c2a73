"""The engagement app's alert kinds, one module per part (kam.alerts.registry);
AlertsConfig.ready() imports this module."""

import kam.engagement.activities.alerts
import kam.engagement.competitors.alerts
import kam.engagement.complaints.alerts
import kam.engagement.surveys.alerts  # noqa: F401
