"""The "Win-back" panel of the account page (DOMAIN §10): the open plan's state, or a start
button while the account stands at high risk. Registered in RiskConfig.ready(), right after
the risk panel (order 35)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.panels import AccountPanel, Place
from kam.org.models import User
from kam.risk.models import InterventionStatus, ReasonStatus, RiskLevel, WinBackPlan
from kam.risk.winback.permissions import can_start_win_back
from kam.risk.winback.selectors import latest_risk_score, open_plan_of


def win_back_panel(actor: User, account: Account) -> Mapping[str, Any]:
    plan = open_plan_of(account.pk)
    score = latest_risk_score(account.pk)
    data: dict[str, Any] = {"account": account, "plan": plan, "score": score}
    if plan is not None:
        reasons = list(plan.reasons.values_list("status", flat=True))
        steps = list(plan.interventions.values_list("status", "due_on"))
        today = timezone.localdate()
        data |= {
            "confirmed": reasons.count(ReasonStatus.CONFIRMED),
            "proposed": reasons.count(ReasonStatus.PROPOSED),
            "planned": sum(1 for status, _due in steps if status == InterventionStatus.PLANNED),
            "overdue": sum(
                1 for status, due in steps if status == InterventionStatus.PLANNED and due < today
            ),
            "done": sum(1 for status, _due in steps if status == InterventionStatus.DONE),
        }
    else:
        data["last"] = (
            WinBackPlan.objects.filter(account=account).order_by("-started_on", "-id").first()
        )
        data["high"] = score is not None and score.risk_level == RiskLevel.HIGH
        data["may_start"] = can_start_win_back(actor, account)
    return data


WIN_BACK_PANEL = AccountPanel(
    key="win-back",
    title=_("Win-back"),
    order=35,
    place=Place.TOP,
    template="risk/winback/account_panel.html",
    context=win_back_panel,
)
