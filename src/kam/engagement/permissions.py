"""The engagement app's permissions, one module per part (kam.org.permissions)."""

import kam.engagement.complaints.permissions  # noqa: F401
