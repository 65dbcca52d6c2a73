"""The engagement app's API routers, one per part, added under /api/v1 by kam.api.api."""

from kam.engagement.activities.api import router as activities_router

__all__ = ["activities_router"]
