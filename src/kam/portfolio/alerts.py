"""One alert model for every area (ARCHITECTURE names; DOMAIN §10)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.portfolio.models import Alert, AlertSeverity

# Kinds raised by the portfolio engine, with the title a reader sees (§3, §4, §13).
KIND_POTENTIAL_STALE = "potential_stale"
KIND_POTENTIAL_MISSING = "potential_missing"
KIND_INVESTMENT_BAND = "investment_out_of_band"
KIND_NO_MANAGER = "key_account_without_manager"
KIND_CLASS_DROP = "class_drop"
PORTFOLIO_KINDS = (
    KIND_POTENTIAL_STALE,
    KIND_POTENTIAL_MISSING,
    KIND_INVESTMENT_BAND,
    KIND_NO_MANAGER,
    KIND_CLASS_DROP,
)
KIND_TITLES = {
    KIND_POTENTIAL_STALE: _("Potential estimate is stale"),
    KIND_POTENTIAL_MISSING: _("Potential estimate is missing"),
    KIND_INVESTMENT_BAND: _("Investment outside its class band"),
    KIND_NO_MANAGER: _("Key account without a manager"),
    KIND_CLASS_DROP: _("Class dropped from A/B to C/D"),
}


def raise_alert(
    account: Account | int, kind: str, severity: str, message: str, **data: Any
) -> Alert:
    """Open an alert, or refresh the open one of the same account and kind (idempotent)."""
    account_id = account if isinstance(account, int) else account.pk
    if severity not in AlertSeverity.values:
        raise ValueError(f"unknown severity {severity!r}")
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(account_id=account_id, kind=kind, is_open=True)
            .first()
        )
        if alert is None:
            return Alert.objects.create(
                account_id=account_id, kind=kind, severity=severity, message=message, data=data
            )
        if (alert.severity, alert.message, alert.data) != (severity, message, data):
            alert.severity, alert.message, alert.data = severity, message, data
            alert.save(update_fields=["severity", "message", "data"])
        return alert


def resolve_alerts(kind: str, still_open: Iterable[int]) -> int:
    """Close the open alerts of a kind whose condition no longer holds."""
    keep = set(still_open)
    stale = Alert.objects.filter(kind=kind, is_open=True).exclude(account_id__in=keep)
    resolved = 0
    for alert in stale:
        alert.is_open = False
        alert.resolved_at = timezone.now()
        alert.save(update_fields=["is_open", "resolved_at"])
        resolved += 1
    return resolved
