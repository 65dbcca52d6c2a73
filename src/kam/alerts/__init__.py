"""One alert model for every area and the registry of alert kinds (ARCHITECTURE.md)."""
