"""The survey drop alert (DOMAIN §9, §10; kam.alerts.registry), raised by kam.engagement.surveys
.alerting when an account's consecutive surveys fall by the §9 thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, CauseRule, Clears, register, register_inputs

KIND_SURVEY_DROP = "survey_drop"

# The inputs a survey drop names, one per dimension (kam.analytics.satisfaction.DIMENSIONS).
DIMENSION_LABELS = {
    "product": _("CSAT on product"),
    "service": _("CSAT on service"),
    "delivery": _("CSAT on delivery"),
    "price": _("CSAT on price"),
    "relationship": _("CSAT on relationship"),
    "nps": _("NPS"),
}
register_inputs(**{f"survey_{code}": label for code, label in DIMENSION_LABELS.items()})


def _params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Each dimension that fell with its figures, "CSAT on service 4.50 → 3.80"."""
    changes = data.get("changes", {})
    names = [
        " ".join([str(DIMENSION_LABELS.get(code, code)), " → ".join(changes.get(code, []))])
        for code in data["dimensions"]
    ]
    return {
        "dimensions": ", ".join(name.strip() for name in names),
        "before": data["from"],
        "after": data["to"],
    }


register(
    AlertKind(
        code=KIND_SURVEY_DROP,
        title=_("Satisfaction dropped"),
        template=_(
            "Satisfaction dropped from the survey of %(before)s to %(after)s: %(dimensions)s."
        ),
        severity=AlertSeverity.WARNING,
        # Resolved by the account's next survey that does not fall again, or by hand.
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_params,
        causes={
            "survey_drop": CauseRule(
                _(
                    "A CSAT score fell by 0.5 or more, or the NPS by 10 points or more, "
                    "between two consecutive surveys."
                ),
                AlertSeverity.WARNING,
            ),
        },
    ),
)
