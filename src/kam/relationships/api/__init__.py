"""The buying centre's routers (DOMAIN §7); kam.api wires them under /api/v1."""

from kam.relationships.api.contacts import router as contacts_router
from kam.relationships.api.map import router as map_router

__all__ = ["contacts_router", "map_router"]
