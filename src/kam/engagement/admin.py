"""The engagement app's admin, one module per part."""

import kam.engagement.complaints.admin  # noqa: F401
