"""What the win-back tests share: a key account at high risk and its churn-risk alert."""

from __future__ import annotations

from typing import Any

import pytest

from kam.alerts.models import Alert, AlertSeverity
from kam.org.models import User
from tests.factories import AccountFactory, RiskScoreFactory

CHURN_RISK_HIGH = "churn_risk_high"


def churn_alert(account: Any) -> Alert:
    """An open high churn-risk alert (its kind is registered by the scoring run's module; the
    plan takes any alert of the account, so the row is written as that run would)."""
    return Alert.objects.create(
        account=account,
        kind=CHURN_RISK_HIGH,
        severity=AlertSeverity.CRITICAL,
        message="Churn probability 0.62 (high risk).",
        data={"churn_probability": 0.62},
    )


@pytest.fixture
def drifting(manager: User) -> Any:
    """Mia's key account, scored at high risk as of 2026-10-31."""
    account = AccountFactory(owner=manager, code="DRIFT-1", name="Drifting Co")
    RiskScoreFactory(account=account)
    return account
