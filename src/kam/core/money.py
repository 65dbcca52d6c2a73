"""Money kept in integer cents (DOMAIN "Money"), converted exactly at the edges."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format, number_format
from django.utils.translation import get_language


def cents_to_decimal(cents: int) -> Decimal:
    """123456 → Decimal("1234.56"), always two places."""
    return Decimal(int(cents)).scaleb(-2)


def decimal_to_cents(amount: Decimal) -> int:
    """Decimal("1234.56") → 123456 (amounts carry at most two places)."""
    return int((Decimal(amount) * 100).to_integral_value())


def cents_text(cents: int) -> str:
    """Exact decimal text of an amount in cents: -1234 → "-12.34"."""
    return str(cents_to_decimal(cents))


def cents_grouped(cents: int) -> str:
    """Exact amount with thousands grouped in the active language, two places:
    -12345678 → "-123,456.78" (the separators come from kam.core.formats)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    decimal_separator = str(get_format("DECIMAL_SEPARATOR"))
    return f"{sign}{number_format(whole, force_grouping=True)}{decimal_separator}{part:02d}"


# The units of a compact amount per language: English counts in thousands (K, M, B, T),
# Chinese in ten-thousands (万, 亿 = 10⁸, 万亿 = 10¹²), as each reads large numbers.
_COMPACT_UNITS: dict[str, tuple[int, tuple[str, ...]]] = {
    "en": (1_000, ("K", "M", "B", "T")),
    "zh": (10_000, ("万", "亿", "万亿")),
}
# A compact amount shows about four significant digits and at most two decimals:
# 118.5 M, 47.66 M, 1.18 亿, 4,766 万.
_COMPACT_DIGITS = 4
_COMPACT_MAX_PLACES = 2


def cents_compact(cents: int, *, language: str | None = None) -> str | None:
    """A large amount in a few digits with the language's unit, or None when the amount is
    below the first unit (1,000 in English, 10,000 in Chinese) and is best shown whole:
    11849551942 cents → "118.5 M" / "1.18 亿". Rounded half up (away from zero); a
    rounding that reaches the next unit moves to it (999,999,999 → "1 B", not "1,000 M")."""
    step, units = _COMPACT_UNITS[
        "zh" if (language or get_language() or "").startswith("zh") else "en"
    ]
    amount = abs(Decimal(int(cents)).scaleb(-2))
    if amount < step:
        return None
    index = 0
    while index + 1 < len(units) and amount >= Decimal(step) ** (index + 2):
        index += 1
    while True:
        mantissa = amount / Decimal(step) ** (index + 1)
        digits = len(str(int(mantissa)))
        places = min(_COMPACT_MAX_PLACES, max(0, _COMPACT_DIGITS - digits))
        rounded = mantissa.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if rounded < step or index + 1 == len(units):
            break
        index += 1
    whole, _dot, fraction = f"{rounded:f}".partition(".")
    fraction = fraction.rstrip("0")
    text = number_format(int(whole), force_grouping=True)
    if fraction:
        text += f"{get_format('DECIMAL_SEPARATOR')}{fraction}"
    sign = "-" if cents < 0 else ""
    return f"{sign}{text} {units[index]}"
