"""The ops tests that run real processes use the scratch database of the ledger's kill test."""

from tests.ledger.test_kill import scratch_database

__all__ = ["scratch_database"]
