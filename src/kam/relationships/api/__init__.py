"""The buying centre's routers (DOMAIN §7); kam.api wires them under /api/v1."""

from kam.relationships.api.contacts import router as contacts_router

__all__ = ["contacts_router"]
