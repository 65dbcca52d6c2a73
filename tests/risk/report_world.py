"""At-risk accounts of the monthly history for the intervention report's tests (DOMAIN §10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kam.core.months import month_end, month_index
from kam.org.models import User
from kam.risk.models import RiskLevel
from tests.factories import AccountFactory, RiskMonthFactory, WinBackPlanFactory

AS_OF = dt.date(2026, 12, 2)
INDEX = dt.date(2025, 11, 30)  # a plan started in December 2025 reads the risk of November


def at_risk(
    owner: User,
    *,
    churned_before: bool | None = False,
    churned_after: bool | None = False,
    index: dt.date = INDEX,
    level: str = RiskLevel.HIGH,
    code: str = "",
) -> Any:
    """An account high at `index` with its §10 labels six months before and at the index."""
    account = AccountFactory(owner=owner, **({"code": code} if code else {}))
    RiskMonthFactory(account=account, month_end=index, risk_level=level, churned=churned_after)
    RiskMonthFactory(
        account=account,
        month_end=month_end(month_index(index) - 6),
        risk_level=RiskLevel.LOW,
        churned=churned_before,
    )
    return account


def treated_world(owner: User) -> None:
    """Eight at-risk accounts a plan treated in December 2025 (one churned after) and eight
    left alone (seven churned after): δ = 1/8 − 7/8, clearly below zero."""
    for i in range(8):
        account = at_risk(owner, churned_after=i == 7, code=f"TREAT-{i}")
        WinBackPlanFactory(account=account, started_on=dt.date(2025, 12, 10))
        at_risk(owner, churned_after=i != 7, code=f"ALONE-{i}")
