"""The engagement app's API routers, one per part (kam.api.api adds them)."""

from kam.engagement.surveys.api import router as surveys_router

__all__ = ["surveys_router"]
