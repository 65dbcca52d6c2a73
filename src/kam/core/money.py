"""Money kept in integer cents (DOMAIN "Money"), converted exactly at the edges."""

from __future__ import annotations

from decimal import Decimal


def cents_to_decimal(cents: int) -> Decimal:
    """123456 → Decimal("1234.56"), always two places."""
    return Decimal(int(cents)).scaleb(-2)


def decimal_to_cents(amount: Decimal) -> int:
    """Decimal("1234.56") → 123456 (amounts carry at most two places)."""
    return int((Decimal(amount) * 100).to_integral_value())


def cents_text(cents: int) -> str:
    """Exact decimal text of an amount in cents: -1234 → "-12.34"."""
    return str(cents_to_decimal(cents))
