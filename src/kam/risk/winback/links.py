"""The win-back plan in the registries of the lower apps (DOMAIN §10): the alerts' follow-up
type (the plan is the work done about its alert) and the alert page's "Start a win-back plan"
action for high churn-risk alerts. Registered from RiskConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.alerts.actions import AlertAction, register_alert_action
from kam.alerts.followups import FollowUpTarget, FollowUpType, register_follow_up_type
from kam.alerts.models import Alert
from kam.org.models import User
from kam.risk.models import PlanStatus, WinBackPlan
from kam.risk.winback.permissions import can_start_win_back
from kam.risk.winback.services import WIN_BACK_PLAN

CHURN_RISK_HIGH = "churn_risk_high"  # the alert kind the scoring run raises (kam.risk.alerts)


def plan_url(account_id: int, plan_id: int | None) -> str:
    """The win-back plan's page; "" for no plan."""
    return "" if plan_id is None else reverse("win_back_plan", args=[account_id, plan_id])


def _plans(account_id: int, ids: Iterable[int]) -> dict[int, FollowUpTarget]:
    label = _("Win-back plan started %(day)s")
    return {
        pk: FollowUpTarget(
            WIN_BACK_PLAN, pk, label % {"day": started.isoformat()}, plan_url(account_id, pk)
        )
        for pk, started in WinBackPlan.objects.filter(
            account_id=account_id, pk__in=list(ids)
        ).values_list("pk", "started_on")
    }


def _start_url(alert: Alert) -> str:
    return reverse("win_back_start", args=[alert.account_id]) + f"?alert={alert.pk}"


def _offered(actor: User, alert: Alert) -> bool:
    """Offered on an alert still open to whoever may start a plan, while the account has
    none open (its page links the open one as a follow-up)."""
    return (
        alert.is_open
        and can_start_win_back(actor, alert.account)
        and not WinBackPlan.objects.filter(
            account_id=alert.account_id, status=PlanStatus.OPEN
        ).exists()
    )


def register_links() -> None:
    register_follow_up_type(FollowUpType(WIN_BACK_PLAN, gettext_lazy("Win-back plan"), _plans))
    register_alert_action(
        AlertAction(
            code="win_back_start",
            label=gettext_lazy("Start a win-back plan"),
            kinds=(CHURN_RISK_HIGH,),
            url=_start_url,
            offered=_offered,
        )
    )
