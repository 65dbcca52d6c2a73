"""Writes of the risk app (DOMAIN §10): the scoring run and its alerts."""
