"""Writes of alerts: raising one, syncing a kind's open set for a run, acknowledging (§10)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kam.accounts.models import Account
from kam.alerts.models import Alert, AlertSeverity
from kam.alerts.registry import Clears, kind_find, kind_get
from kam.core.errors import Conflict
from kam.core.history import save_as
from kam.org.models import User
from kam.org.permissions import require_write


def _check_severity(severity: str) -> str:
    if severity not in AlertSeverity.values:
        raise ValueError(f"unknown severity {severity!r}")
    return severity


def alert_raise(
    account: Account | int,
    kind: str,
    *,
    data: Mapping[str, Any] | None = None,
    severity: str | None = None,
    message: str | None = None,
) -> Alert:
    """Open an alert of a registered kind, or refresh the open one of the same account and
    kind (idempotent). Severity and message follow the kind from the data unless given.
    Raises LookupError for an unregistered kind, ValueError for an unknown severity."""
    declared = kind_get(kind)
    account_id = account if isinstance(account, int) else account.pk
    values = dict(data or {})
    severity = _check_severity(severity or declared.severity_for(values))
    message = message if message is not None else declared.message(values)
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(account_id=account_id, kind=kind, is_open=True)
            .first()
        )
        if alert is None:
            return Alert.objects.create(
                account_id=account_id, kind=kind, severity=severity, message=message, data=values
            )
        if (alert.severity, alert.message, alert.data) != (severity, message, values):
            alert.severity, alert.message, alert.data = severity, message, values
            alert.save(update_fields=["severity", "message", "data"])
        return alert


@transaction.atomic
def alerts_sync(kind: str, wanted: Mapping[int, Mapping[str, Any]]) -> None:
    """Make the open alerts of a kind match one run's findings, `wanted` (account id → data),
    in a few bulk statements: open the new ones, refresh the changed ones and, for a kind that
    clears when its condition clears, resolve the open ones the run no longer finds. History
    records every change. Raises LookupError for an unregistered kind."""
    declared = kind_get(kind)
    open_now = {
        alert.account_id: alert
        for alert in Alert.objects.select_for_update().filter(kind=kind, is_open=True)
    }
    created: list[Alert] = []
    changed: list[Alert] = []
    for pk, data in wanted.items():
        values = dict(data)
        severity = _check_severity(declared.severity_for(values))
        message = declared.message(values)
        alert = open_now.get(pk)
        if alert is None:
            created.append(
                Alert(account_id=pk, kind=kind, severity=severity, message=message, data=values)
            )
        elif (alert.severity, alert.message, alert.data) != (severity, message, values):
            alert.severity, alert.message, alert.data = severity, message, values
            changed.append(alert)
    if declared.clears is Clears.WHEN_CONDITION_CLEARS:
        resolved_at = timezone.now()
        for pk, alert in open_now.items():
            if pk not in wanted:
                alert.is_open, alert.resolved_at = False, resolved_at
                changed.append(alert)
    bulk_create_with_history(created, Alert, batch_size=1000)
    fields = ["severity", "message", "data", "is_open", "resolved_at"]
    bulk_update_with_history(changed, Alert, fields, batch_size=1000)


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    """Someone has seen the alert and taken it on. A kind cleared by its condition stays open
    until the condition clears; a kind cleared by hand is resolved now. Raises
    PermissionDenied for read-only users, Conflict when it was acknowledged already."""
    require_write(actor)
    if alert.acknowledged_at is not None:
        raise Conflict(_("This alert has been acknowledged already."), field="alert")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    declared = kind_find(alert.kind)
    if declared is not None and declared.clears is Clears.BY_HAND:
        alert.is_open, alert.resolved_at = False, alert.acknowledged_at
    save_as(
        actor, alert, update_fields=["acknowledged_at", "acknowledged_by", "is_open", "resolved_at"]
    )
    return alert
