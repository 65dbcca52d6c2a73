"""The churn-risk alert (DOMAIN §10; kam.alerts.registry), raised by kam.risk.services.alerting
for key accounts at high risk after each risk scoring run and resolved when the risk falls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, CauseRule, Clears, register, register_inputs

KIND_CHURN_RISK_HIGH = "churn_risk_high"
CAUSE_HIGH = "churn_risk_high"
# The same condition on an account whose contribution reaches the matrix's high level (§3):
# what is at stake is large, so it is critical.
CAUSE_HIGH_LARGE = "churn_risk_high_large"

register_inputs(
    churn_probability=_("Churn probability"),
    p_alive=_("p(alive)"),
    top_factors=_("Top factors"),
)


def _params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    probability = data.get("churn_probability")
    p_alive = data.get("p_alive")
    return {
        "probability": "–" if probability is None else f"{float(probability):.0%}",
        "p_alive": "–" if p_alive is None else f"{float(p_alive):.0%}",
    }


register(
    AlertKind(
        code=KIND_CHURN_RISK_HIGH,
        title=_("Churn risk high"),
        # The factors behind it follow in the cause's changes, not twice in the message.
        template=_("Churn risk is high: churn probability %(probability)s, p(alive) %(p_alive)s."),
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_params,
        causes={
            CAUSE_HIGH: CauseRule(
                _("The churn probability reached 50 % or p(alive) fell below 30 %."),
                AlertSeverity.WARNING,
            ),
            CAUSE_HIGH_LARGE: CauseRule(
                _(
                    "The churn probability reached 50 % or p(alive) fell below 30 %, on an "
                    "account whose contribution is at the high level of the matrix."
                ),
                AlertSeverity.CRITICAL,
            ),
        },
    ),
)
