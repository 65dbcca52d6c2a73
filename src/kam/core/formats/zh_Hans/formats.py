"""Simplified Chinese number formats: thousands grouped with a comma, a decimal point."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
