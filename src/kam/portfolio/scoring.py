"""The director's settings as the pure scoring core reads them (DOMAIN §2–§6).

The engine itself is `kam.analytics.portfolio`; a run is piped together in
`kam.portfolio.services.scoring` (load → compute → store).
"""

from __future__ import annotations

from kam.analytics.rules import Band, Rules, Weights
from kam.core.money import decimal_to_cents
from kam.portfolio.models import PortfolioSettings


def rules_from(settings: PortfolioSettings) -> Rules:
    """The pure core's view of the director's settings."""
    s = settings
    return Rules(
        pareto_revenue_share=s.pareto_revenue_share,
        pareto_max_account_share=s.pareto_max_account_share,
        key_score_threshold=s.key_score_threshold,
        potential_max_age_months=s.potential_max_age_months,
        contribution_high_cents=decimal_to_cents(s.contribution_high),
        contribution_medium_cents=decimal_to_cents(s.contribution_medium),
        potential_high_cents=decimal_to_cents(s.potential_high),
        potential_medium_cents=decimal_to_cents(s.potential_medium),
        relative_share_threshold=s.relative_share_threshold,
        lost_after_months=s.lost_after_months,
        min_history_months=s.min_history_months,
        lifecycle_window_months=s.lifecycle_window_months,
        lifecycle_t_threshold=s.lifecycle_t_threshold,
        lifecycle_slope_threshold=s.lifecycle_slope_threshold,
        weights=Weights(
            contribution=s.weight_contribution,
            potential=s.weight_potential,
            growth=s.weight_growth,
            margin=s.weight_margin,
            strategic_importance=s.weight_strategic_importance,
            technical_fit=s.weight_technical_fit,
            credit_reputation=s.weight_credit_reputation,
        ),
        bands={
            "A": Band(s.band_a_low, s.band_a_high),
            "B": Band(s.band_b_low, s.band_b_high),
            "C": Band(s.band_c_low, s.band_c_high),
            "D": Band(s.band_d_low, s.band_d_high),
        },
    )
