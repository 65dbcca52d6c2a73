"""Competitors' moves seen at an account (DOMAIN §9, S0's case)."""
