"""The SLA sweep (DOMAIN §9, §10): breach alerts raised naming the complaint, its severity
and how late it is, and cleared when the complaint is acknowledged or resolved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils.timezone import now as timezone_now

from kam.alerts.models import Alert, AlertSeverity, AlertState
from kam.engagement.complaints.alerts import KIND_ACKNOWLEDGE_OVERDUE, KIND_RESOLVE_OVERDUE
from kam.engagement.complaints.models import Status
from kam.engagement.complaints.services import (
    complaint_acknowledge,
    complaint_resolve,
)
from kam.engagement.complaints.sweep import complaint_sla_sweep
from kam.engagement.tasks import complaint_sla_sweep_task
from kam.org.models import User
from tests.factories import AccountFactory, ComplaintFactory

pytestmark = pytest.mark.django_db


def _received(hours_ago: float) -> dt.datetime:
    return timezone_now() - dt.timedelta(hours=hours_ago)


def test_a_critical_complaint_unacknowledged_after_six_hours_raises_a_critical_alert(
    manager: User,
) -> None:
    account = AccountFactory(owner=manager)
    complaint = ComplaintFactory(
        account=account, severity="critical", subject="Line stopped", received_at=_received(6)
    )

    complaint_sla_sweep()

    alert = Alert.objects.get(account=account, kind=KIND_ACKNOWLEDGE_OVERDUE, is_open=True)
    assert alert.severity == AlertSeverity.CRITICAL
    assert alert.data["complaint_id"] == complaint.pk
    assert alert.data["late_hours"] == 2
    assert alert.message.startswith(
        "The critical complaint “Line stopped” is 2 hours late to be acknowledged."
    )
    assert not Alert.objects.filter(kind=KIND_RESOLVE_OVERDUE).exists()


def test_a_complaint_within_its_targets_raises_nothing(manager: User) -> None:
    ComplaintFactory(account=AccountFactory(owner=manager), severity="critical")
    complaint_sla_sweep()
    assert not Alert.objects.exists()


def test_the_alert_names_the_latest_complaint_and_counts_the_others(manager: User) -> None:
    account = AccountFactory(owner=manager)
    for subject, days in (("Old", 8), ("Older", 9)):
        ComplaintFactory(
            account=account, severity="low", subject=subject, received_at=_received(24 * days)
        )

    complaint_sla_sweep()

    alert = Alert.objects.get(account=account, kind=KIND_ACKNOWLEDGE_OVERDUE)
    assert alert.severity == AlertSeverity.WARNING
    assert alert.data["subject"] == "Older"
    assert "4 days late to be acknowledged (and 1 more complaint)." in alert.message


def test_acknowledging_clears_the_alert_at_once(
    manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    account = AccountFactory(owner=manager)
    complaint = ComplaintFactory(account=account, severity="critical", received_at=_received(5))
    elsewhere = ComplaintFactory(severity="critical", received_at=_received(5))
    complaint_sla_sweep()

    with django_capture_on_commit_callbacks(execute=True):
        complaint_acknowledge(actor=manager, complaint=complaint)

    alert = Alert.objects.get(account=account, kind=KIND_ACKNOWLEDGE_OVERDUE)
    assert alert.state == AlertState.RESOLVED
    # Another account's breach is not touched by this one's move.
    assert Alert.objects.get(account=elsewhere.account).is_open


def test_resolving_clears_the_resolve_alert_on_the_next_sweep(manager: User) -> None:
    account = AccountFactory(owner=manager)
    complaint = ComplaintFactory(
        account=account, severity="critical", status=Status.IN_PROGRESS, received_at=_received(50)
    )
    complaint_sla_sweep_task.call()
    assert Alert.objects.get(kind=KIND_RESOLVE_OVERDUE).is_open
    assert not Alert.objects.filter(kind=KIND_ACKNOWLEDGE_OVERDUE).exists()

    complaint_resolve(actor=manager, complaint=complaint, resolution="Done", root_cause="Tool")
    result = complaint_sla_sweep()

    assert result.resolve_overdue == 0
    assert not Alert.objects.get(kind=KIND_RESOLVE_OVERDUE).is_open
