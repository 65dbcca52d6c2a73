"""The director's thresholds and weights of DOMAIN §2–§6, as the pure core sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


def as_fraction(value: Decimal | float | int | Fraction) -> Fraction:
    """A setting as an exact fraction: Decimal("0.30") is 3/10, not 0.299999…"""
    if isinstance(value, Fraction):
        return value
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True)
class Band:
    """An investment-ratio band of one class (§4), inclusive at both ends."""

    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Weights:
    """Score weights (§2)."""

    contribution: Decimal = Decimal("0.30")
    potential: Decimal = Decimal("0.20")
    growth: Decimal = Decimal("0.10")
    margin: Decimal = Decimal("0.10")
    strategic_importance: Decimal = Decimal("0.15")
    technical_fit: Decimal = Decimal("0.05")
    credit_reputation: Decimal = Decimal("0.10")


def _default_bands() -> dict[str, Band]:
    return {
        "A": Band(Decimal("0.03"), Decimal("0.08")),
        "B": Band(Decimal("0.01"), Decimal("0.05")),
        "C": Band(Decimal("0.05"), Decimal("0.15")),
        "D": Band(Decimal("0.00"), Decimal("0.02")),
    }


@dataclass(frozen=True)
class Rules:
    """Every default of DOMAIN §2–§6; money thresholds in base-currency cents."""

    pareto_revenue_share: Decimal = Decimal("0.80")
    pareto_max_account_share: Decimal = Decimal("0.20")
    key_score_threshold: Decimal = Decimal("70")
    potential_max_age_months: int = 12
    contribution_high_cents: int = 1_000_000_000
    contribution_medium_cents: int = 500_000_000
    potential_high_cents: int = 3_000_000_000
    potential_medium_cents: int = 1_000_000_000
    relative_share_threshold: Decimal = Decimal("0.30")
    lost_after_months: int = 12
    min_history_months: int = 6
    lifecycle_window_months: int = 24
    lifecycle_t_threshold: Decimal = Decimal("2.0")
    lifecycle_slope_threshold: Decimal = Decimal("0.05")
    weights: Weights = field(default_factory=Weights)
    bands: dict[str, Band] = field(default_factory=_default_bands)
