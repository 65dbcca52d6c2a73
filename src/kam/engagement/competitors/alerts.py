"""The competitor move alert (DOMAIN §9, §10; kam.alerts.registry): a competitor's offer
recorded at a key account, raised by kam.engagement.competitors.services when the move is
recorded and resolved by hand (docs/rules.md "Competitor moves")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, CauseRule, Clears, register, register_inputs
from kam.engagement.competitors.models import CompetitorOffer

KIND_COMPETITOR_MOVE = "competitor_move"
RULE_PRICE_CUT_A = "price_cut_class_a"
RULE_KEY_ACCOUNT = "key_account_move"

register_inputs(competitor_move=_("Competitor move"))


def _params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    products = str(data.get("products") or "")
    return {
        "competitor": data["competitor"],
        "offer": str(CompetitorOffer(data["offer"]).label).lower(),
        "products": products or _("no product named"),
    }


register(
    AlertKind(
        code=KIND_COMPETITOR_MOVE,
        title=_("Competitor move at a key account"),
        template=_("%(competitor)s offers a %(offer)s on %(products)s."),
        severity=AlertSeverity.WARNING,
        # An event, not a condition: the manager answers it and resolves it by hand.
        clears=Clears.BY_HAND,
        params=_params,
        causes={
            RULE_PRICE_CUT_A: CauseRule(
                _("A competitor cut its price at a class A key account."),
                AlertSeverity.CRITICAL,
            ),
            RULE_KEY_ACCOUNT: CauseRule(
                _("A competitor made an offer at a key account."), AlertSeverity.WARNING
            ),
        },
    ),
)
