"""The engagement app's API routers, one per part (kam.api wires them)."""

from kam.engagement.complaints.api import router as complaints_router

__all__ = ["complaints_router"]
