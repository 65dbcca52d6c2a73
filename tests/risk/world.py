"""A small company whose churn the models can learn (DOMAIN §10), for the risk tests.

Steady customers buy every two weeks for three years. Leavers buy the same way until their
month, when complaints and a competitor's offer arrive, and stop the month after. The
target is a large key account still buying steadily but with the leavers' warning signs
today: the only drift signal it shows is its churn risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from kam.accounts.models import Account
from kam.core.months import month_end, month_index
from kam.engagement.complaints.models import Severity
from kam.ledger.models import LedgerLine
from kam.ledger.store import refresh_aggregates
from kam.org.models import User
from tests.factories import (
    AccountFactory,
    CompetitorMoveFactory,
    ComplaintFactory,
    ImportBatchFactory,
)

AS_OF = dt.date(2026, 11, 24)  # last month end 2026-10-31
FIRST_DAY = dt.date(2023, 11, 1)
LAST = month_index(dt.date(2026, 10, 31))
INDUSTRIES = ("Machinery", "Chemicals", "Food")


@dataclass
class World:
    steady: list[Account]
    leavers: list[Account]
    target: Account


def _warnings(account: Account, day: dt.date, *, complaints: int = 3) -> None:
    """The signs a leaver showed before it left: complaints and a competitor's offer."""
    for k in range(complaints):
        received = dt.datetime.combine(day - dt.timedelta(days=3 * k), dt.time(10), tzinfo=dt.UTC)
        ComplaintFactory(
            account=account, received_at=received, severity=Severity.HIGH, created_by=account.owner
        )
    CompetitorMoveFactory(account=account, seen_on=day, seen_by=account.owner)


def build(owner: User, *, steady: int = 24, leavers: int = 24, seed: int = 3) -> World:
    """The company, its ledger (bulk-created lines, aggregates refreshed) and warnings."""
    rng = np.random.default_rng(seed)
    batch = ImportBatchFactory(created_by=owner)
    lines: list[LedgerLine] = []

    def buy(account: Account, until: dt.date, amount: int) -> None:
        # Each customer its own rhythm (every 8 to 30 days on average), irregular gaps.
        mean_gap = float(rng.uniform(8, 30))
        day = FIRST_DAY + dt.timedelta(days=int(rng.integers(0, 10)))
        while day <= until:
            cents = int(amount * rng.uniform(0.8, 1.2))
            lines.append(
                LedgerLine(
                    account=account,
                    batch=batch,
                    date=day,
                    month=day.replace(day=1),
                    document=f"D{len(lines)}",
                    line="1",
                    amount_cents=cents,
                    currency="CNY",
                    original_amount_cents=cents,
                )
            )
            day += dt.timedelta(days=1 + int(rng.exponential(mean_gap)))

    def account(code: str, **extra: object) -> Account:
        return AccountFactory(code=code, owner=owner, industry=INDUSTRIES[len(code) % 3], **extra)

    steady_accounts = [account(f"S{i:02d}") for i in range(steady)]
    for one in steady_accounts:
        buy(one, AS_OF, 200_000)
    leaver_accounts = []
    for i in range(leavers):
        one = account(f"L{i:02d}")
        leaver_accounts.append(one)
        # Leaving months spread over the training window and the test month (L − 6).
        leaves = LAST - 20 + (i % 15)
        warned = month_end(leaves) - dt.timedelta(days=10)
        buy(one, month_end(leaves + 1) - dt.timedelta(days=20), 200_000)
        _warnings(one, warned)
    target = account("TARGET", is_key=True)
    buy(target, AS_OF, 60_000_000)  # about 1.2 M a month: contribution at the high level
    _warnings(target, AS_OF - dt.timedelta(days=12), complaints=4)
    LedgerLine.objects.bulk_create(lines)
    accounts = [*steady_accounts, *leaver_accounts, target]
    refresh_aggregates([a.pk for a in accounts], FIRST_DAY, AS_OF.replace(day=1))
    timezone.now()
    return World(steady_accounts, leaver_accounts, target)
