"""The churn-risk alerts of a risk scoring run (DOMAIN §10), synced in bulk."""

from __future__ import annotations

from typing import Any

import numpy as np

from kam.alerts.registry import Finding, english
from kam.alerts.services import alerts_sync
from kam.analytics.churn import HIGH_PROBABILITY, LOW_P_ALIVE
from kam.core.money import cents_text
from kam.org.selectors import base_currency
from kam.portfolio.rules import rules_from
from kam.portfolio.selectors import portfolio_settings
from kam.risk.alerts import CAUSE_HIGH, CAUSE_HIGH_LARGE, KIND_CHURN_RISK_HIGH
from kam.risk.factors import factor_label
from kam.risk.models import RiskLevel
from kam.risk.store import Previous, ScoreRows

# How many of the top factors the alert names.
ALERT_FACTORS = 3


def _share(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), 4)


def _change(name: str, unit: str, before: Any, after: Any, *, driver: bool) -> dict[str, Any]:
    return {"input": name, "unit": unit, "from": before, "to": after, "driver": driver}


def _factors(factors: list[dict[str, Any]]) -> str:
    """The top factors as the stored (English) cause words them: label and signed log-odds."""
    with english():
        return ", ".join(
            f"{factor_label(item['factor'])} {float(item['contribution']):+.2f}"
            for item in factors[:ALERT_FACTORS]
        )


def risk_alerts(scores: ScoreRows, previous: dict[int, Previous]) -> None:
    """Open (or refresh) `churn_risk_high` for every key account at high risk, resolve the
    others' (§10). The cause names what moved: the churn probability and p(alive) from the
    previous scoring date to this one, and the top factors; critical when the account's
    contribution reaches the high level of the matrix (§3), a warning otherwise."""
    large = rules_from(portfolio_settings()).contribution_high_cents
    currency = base_currency()
    high = (scores.risk_level == RiskLevel.HIGH) & scores.is_key
    wanted: dict[int, Finding] = {}
    for row in np.flatnonzero(high).tolist():
        pk = int(scores.account_ids[row])
        before = previous.get(pk)
        # Drivers are judged on the unrounded values, as the risk level was (§10).
        raw_probability = float(scores.churn_probability[row])
        raw_p_alive = float(scores.p_alive[row])
        probability, p_alive = _share(raw_probability), _share(raw_p_alive)
        factors = _factors(scores.top_factors[row])
        contribution = int(scores.contribution_cents[row])
        rule = CAUSE_HIGH_LARGE if contribution >= large else CAUSE_HIGH
        cause = {
            "rule": rule,
            "from_date": before.as_of.isoformat() if before else None,
            "to_date": scores.as_of.isoformat(),
            "currency": currency,
            "changes": [
                _change(
                    "churn_probability",
                    "share",
                    _share(before.churn_probability) if before else None,
                    probability,
                    driver=bool(raw_probability >= HIGH_PROBABILITY),
                ),
                _change(
                    "p_alive",
                    "share",
                    _share(before.p_alive) if before else None,
                    p_alive,
                    driver=bool(raw_p_alive < LOW_P_ALIVE),
                ),
                _change("top_factors", "text", None, factors or None, driver=bool(factors)),
                _change("contribution", "money", None, cents_text(contribution), driver=False),
            ],
        }
        data = {"churn_probability": probability, "p_alive": p_alive}
        wanted[pk] = Finding(data=data, cause=cause)
    alerts_sync(KIND_CHURN_RISK_HIGH, wanted, within=scores.account_ids.tolist())
