"""The relationship app's API routers (mounted under /api/v1/accounts by kam.api)."""

from kam.relationships.api.map import router as map_router

__all__ = ["map_router"]
