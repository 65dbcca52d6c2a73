"""Numbers as every page writes them: one rule for a signed change in percent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"  # the minus sign, drawn by the default fonts (DejaVu, WenQuanYi)


def signed_percent(ratio: float, places: int = 0) -> str:
    """A change as a signed percentage: −0.735 → "−73 %", 0.052 → "+5 %", 0.0004 → "0 %".

    Whole percent unless `places` asks for more; the typographic minus; no sign on zero, so
    "−0 %" never appears. One rule for the sales panel, the strategy's reasons, the
    dashboard and the alerts' causes, so one figure reads the same everywhere."""
    # Rounded half away from zero on the decimal the ratio prints as: −0.715 is −71.5 %,
    # → −72 %, where the float −71.4999… would give −71.
    value = (Decimal(repr(float(ratio))) * 100).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )
    if value == 0:
        return "0 %"
    return f"{MINUS if value < 0 else '+'}{abs(value)} %"
