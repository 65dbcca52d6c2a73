"""kam: key account management for B2B suppliers."""

__version__ = "0.1.0"
