"""English number formats, stated so both languages of kam read numbers the same way."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
