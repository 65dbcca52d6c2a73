"""Acknowledging alerts."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.core.errors import Conflict
from kam.core.history import save_as
from kam.org.models import User
from kam.org.permissions import require_write
from kam.portfolio import alerts
from kam.portfolio.models import (
    Alert,
)

Progress = Callable[[int, int], None]


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    """Someone has seen the alert and taken it on; it stays until its condition clears."""
    require_write(actor)
    if alert.acknowledged_at is not None:
        raise Conflict(_("This alert has been acknowledged already."), field="alert")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    if alert.kind == alerts.KIND_CLASS_DROP:
        alert.is_open, alert.resolved_at = False, alert.acknowledged_at
    save_as(
        actor, alert, update_fields=["acknowledged_at", "acknowledged_by", "is_open", "resolved_at"]
    )
    return alert
