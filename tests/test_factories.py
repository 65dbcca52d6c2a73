"""The factories build rows the way kam's own paths would."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.ledger.models import MonthlyAggregate
from tests.factories import AccountFactory, LedgerLineFactory

pytestmark = pytest.mark.django_db


def test_ledger_lines_keep_the_monthly_aggregates_exact() -> None:
    account = AccountFactory()
    LedgerLineFactory(account=account, date=dt.date(2026, 9, 3), amount_cents=150, cost_cents=50)
    LedgerLineFactory(account=account, date=dt.date(2026, 9, 20), amount_cents=250)
    LedgerLineFactory(account=account, date=dt.date(2026, 10, 1), amount_cents=7)

    totals = MonthlyAggregate.objects.filter(account=account).order_by("month")

    assert [(a.month, a.revenue_cents, a.cost_cents, a.lines) for a in totals] == [
        (dt.date(2026, 9, 1), 400, 50, 2),
        (dt.date(2026, 10, 1), 7, 0, 1),
    ]
