"""The engagement app's API routers, one per part (kam.api.api adds them under /api/v1)."""

from kam.engagement.activities.api import router as activities_router
from kam.engagement.calendar.api import router as calendar_router
from kam.engagement.competitors.api import router as competitors_router
from kam.engagement.complaints.api import router as complaints_router
from kam.engagement.surveys.api import router as surveys_router
from kam.engagement.trainings.api import router as trainings_router

__all__ = [
    "activities_router",
    "calendar_router",
    "competitors_router",
    "complaints_router",
    "surveys_router",
    "trainings_router",
]
