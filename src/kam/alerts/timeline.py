"""The alerts' entries in the account's timeline (kam.accounts.timeline): each alert raised,
acknowledged and resolved, with who and why (DOMAIN §10) — one query per step a page."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryEntry
from kam.accounts.timeline import Cursor, Kind, entry_key, keyset, wants, who
from kam.alerts.models import Alert, Resolution
from kam.alerts.registry import kind_find

ALERT = "alert"
KINDS = (Kind(ALERT, gettext_lazy("alert"), "⚠", "red"),)


def _text(alert: Alert) -> str:
    declared = kind_find(alert.kind)
    if declared is None:
        return alert.message
    try:
        return str(declared.text(alert.data))
    except (KeyError, TypeError, ValueError):
        return alert.message


def _title(alert: Alert) -> str:
    declared = kind_find(alert.kind)
    return str(declared.title) if declared is not None else alert.kind


def alerts_history(
    account: Account, limit: int, kinds: set[str] | None = None, before: Cursor | None = None
) -> Iterable[HistoryEntry]:
    """Alerts raised, acknowledged and resolved at the account, newest first (§10)."""
    if not wants(kinds, ALERT):
        return []
    alerts = Alert.objects.filter(account=account)
    entries: list[HistoryEntry] = []
    raised = keyset(alerts, "created_at", "alert_raised", before)
    for alert in raised[:limit]:
        entries.append(
            HistoryEntry(
                alert.created_at,
                _("system"),
                _("raised the alert “%(title)s”") % {"title": _title(alert)},
                (),
                ALERT,
                _text(alert),
                key=entry_key("alert_raised", alert.pk),
                link=reverse("alert_detail", args=[alert.pk]),
            )
        )
    acknowledged = keyset(
        alerts.filter(acknowledged_at__isnull=False).select_related("acknowledged_by"),
        "acknowledged_at",
        "alert_acknowledged",
        before,
    )
    for alert in acknowledged[:limit]:
        entries.append(
            HistoryEntry(
                alert.acknowledged_at or alert.created_at,
                who(alert.acknowledged_by),
                _("acknowledged the alert “%(title)s”") % {"title": _title(alert)},
                (),
                ALERT,
                key=entry_key("alert_acknowledged", alert.pk),
                link=reverse("alert_detail", args=[alert.pk]),
            )
        )
    resolved = keyset(
        alerts.filter(resolved_at__isnull=False).select_related("resolved_by"),
        "resolved_at",
        "alert_resolved",
        before,
    )
    resolutions = {value: str(label) for value, label in Resolution.choices}
    for alert in resolved[:limit]:
        how = resolutions.get(alert.resolution, "")
        entries.append(
            HistoryEntry(
                alert.resolved_at or alert.created_at,
                who(alert.resolved_by),
                _("resolved the alert “%(title)s”") % {"title": _title(alert)}
                + (f" ({how})" if how else ""),
                (),
                ALERT,
                alert.resolution_reason,
                key=entry_key("alert_resolved", alert.pk),
                link=reverse("alert_detail", args=[alert.pk]),
            )
        )
    return entries
