"""The engagement app's alert kinds, one module per part (kam.alerts.registry)."""

import kam.engagement.complaints.alerts  # noqa: F401
