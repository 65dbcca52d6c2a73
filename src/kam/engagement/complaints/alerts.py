"""The complaints' alert kinds (DOMAIN §9, §10; kam.alerts.registry): an SLA target missed
by a complaint still waiting, raised by the SLA sweep and cleared when the complaint is
acknowledged or resolved (docs/rules.md "Complaints and service levels")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, CauseRule, Clears, register, register_inputs
from kam.engagement.complaints.models import Severity

KIND_ACKNOWLEDGE_OVERDUE = "complaint_acknowledge_overdue"
KIND_RESOLVE_OVERDUE = "complaint_resolve_overdue"
KINDS = {"acknowledge": KIND_ACKNOWLEDGE_OVERDUE, "resolve": KIND_RESOLVE_OVERDUE}

# The alert is as severe as the complaint: critical and high ones are critical alerts.
CAUSES = {
    Severity.CRITICAL.value: CauseRule(
        _("A critical complaint missed its target."), AlertSeverity.CRITICAL
    ),
    Severity.HIGH.value: CauseRule(
        _("A high complaint missed its target."), AlertSeverity.CRITICAL
    ),
    Severity.MEDIUM.value: CauseRule(
        _("A medium complaint missed its target."), AlertSeverity.WARNING
    ),
    Severity.LOW.value: CauseRule(_("A low complaint missed its target."), AlertSeverity.WARNING),
}

register_inputs(complaint_due=_("SLA due time"))


def late_text(hours: float) -> str:
    """ "3 h" under two days, "4 days" beyond (hours of the SLA clock)."""
    if hours < 48:
        whole = max(1, round(hours))
        return ngettext("%(n)s hour", "%(n)s hours", whole) % {"n": whole}
    days = round(hours / 24)
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


def _params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    others = int(data.get("others", 0))
    more = (
        ngettext(" (and %(n)s more complaint)", " (and %(n)s more complaints)", others)
        % {"n": others}
        if others
        else ""
    )
    return {
        "subject": data["subject"],
        "severity": str(Severity(data["severity"]).label).lower(),
        "late": late_text(float(data["late_hours"])),
        "more": more,
    }


register(
    AlertKind(
        code=KIND_ACKNOWLEDGE_OVERDUE,
        title=_("Complaint not acknowledged in time"),
        template=_(
            "The %(severity)s complaint “%(subject)s” is %(late)s late to be acknowledged%(more)s."
        ),
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_params,
        causes=CAUSES,
    ),
    AlertKind(
        code=KIND_RESOLVE_OVERDUE,
        title=_("Complaint not resolved in time"),
        template=_(
            "The %(severity)s complaint “%(subject)s” is %(late)s late to be resolved%(more)s."
        ),
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_params,
        causes=CAUSES,
    ),
)
