"""One alert model for every area (ARCHITECTURE names; DOMAIN §10)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kam.accounts.models import Account
from kam.portfolio.models import Alert, AlertSeverity

# Kinds raised by the portfolio engine, with the title a reader sees (§3, §4, §13).
KIND_POTENTIAL_STALE = "potential_stale"
KIND_POTENTIAL_MISSING = "potential_missing"
KIND_INVESTMENT_BAND = "investment_out_of_band"
KIND_NO_MANAGER = "key_account_without_manager"
KIND_CLASS_DROP = "class_drop"
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


@dataclass(frozen=True)
class Wanted:
    """An alert a scoring wants open on an account: its message and data."""

    message: str
    data: dict[str, Any]


@transaction.atomic
def sync_alerts(
    kind: str, severity: str, wanted: dict[int, Wanted], *, resolve_others: bool = True
) -> None:
    """Make the open alerts of a kind match `wanted` (account id → alert) in a few bulk
    statements: open the new ones, refresh the changed ones and, unless told not to, resolve
    the ones whose condition no longer holds. History records every change."""
    open_now = {
        alert.account_id: alert
        for alert in Alert.objects.select_for_update().filter(kind=kind, is_open=True)
    }
    created = [
        Alert(account_id=pk, kind=kind, severity=severity, message=w.message, data=w.data)
        for pk, w in wanted.items()
        if pk not in open_now
    ]
    changed = []
    for pk, alert in open_now.items():
        w = wanted.get(pk)
        if w is None:
            if resolve_others:
                alert.is_open, alert.resolved_at = False, timezone.now()
                changed.append(alert)
        elif (alert.severity, alert.message, alert.data) != (severity, w.message, w.data):
            alert.severity, alert.message, alert.data = severity, w.message, w.data
            changed.append(alert)
    bulk_create_with_history(created, Alert, batch_size=1000)
    fields = ["severity", "message", "data", "is_open", "resolved_at"]
    bulk_update_with_history(changed, Alert, fields, batch_size=1000)


# What each kind says, worded from the alert's data in the reader's language.
_DETAILS = {
    KIND_POTENTIAL_MISSING: _("Key account without a potential estimate."),
    KIND_POTENTIAL_STALE: _("The potential estimate of this key account is out of date."),
    KIND_NO_MANAGER: _("Nobody owns this key account."),
    (KIND_INVESTMENT_BAND, "below"): _(
        "Investment ratio %(ratio)s is below the class %(klass)s band."
    ),
    (KIND_INVESTMENT_BAND, "above"): _(
        "Investment ratio %(ratio)s is above the class %(klass)s band."
    ),
    KIND_CLASS_DROP: _("Class dropped from %(before)s to %(after)s as of %(date)s."),
}


def alert_detail(alert: Alert) -> str:
    """The alert's message in the reader's language; alerts of other areas (or with data
    this version does not know) fall back to the stored English message."""
    data = alert.data
    try:
        if alert.kind == KIND_INVESTMENT_BAND:
            text = _DETAILS[(alert.kind, data["band"])]
            return str(text) % {"ratio": f"{data['ratio']:.1%}", "klass": data["account_class"]}
        if alert.kind == KIND_CLASS_DROP:
            values = {
                "before": data["previous_class"],
                "after": data["account_class"],
                "date": data["dropped_on"],
            }
            return str(_DETAILS[alert.kind]) % values
        return str(_DETAILS[alert.kind])
    except (KeyError, TypeError, ValueError):
        return alert.message
