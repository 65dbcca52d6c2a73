"""The demo company's cost to serve: people, travel and rebates for the larger customers.

Written with the history-keeping bulk path, as an import of many records would be.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from kam.accounts.models import Account
from kam.core.months import month_add
from kam.ledger.demo import DemoAccount
from kam.org.models import User
from kam.portfolio.models import CostKind, CostToServe


def demo_costs_to_serve(
    rng: random.Random,
    created: list[Account],
    plan: list[DemoAccount],
    last_month: dt.date,
    author: User,
) -> None:
    """A year and a quarter of cost to serve for the larger customers: some in their class
    band, some over- or under-served (§4), entered by `author` (the demo's director)."""
    accounts = {account.code: account for account in created}
    records = []
    for item in plan[:40]:
        account = accounts[item.code]
        ratio = rng.uniform(0.005, 0.14)
        budget = item.annual_revenue * ratio / 12
        rate = Decimal(rng.choice([350, 450, 600]))
        for back in range(15):
            month = month_add(last_month, -back)
            hours = Decimal(round(budget * 0.5 / float(rate), 1))
            records.append(
                CostToServe(
                    account=account,
                    month=month,
                    kind=CostKind.PEOPLE,
                    hours=hours,
                    rate=rate,
                    amount=(hours * rate).quantize(Decimal("0.01")),
                    description="Account team time",
                    created_by=author,
                )
            )
            records.append(
                CostToServe(
                    account=account,
                    month=month,
                    kind=CostKind.TRAVEL,
                    amount=Decimal(round(budget * 0.2, 2)).quantize(Decimal("0.01")),
                    description="Visits",
                    created_by=author,
                )
            )
            if month.month % 3 == 0:
                records.append(
                    CostToServe(
                        account=account,
                        month=month,
                        kind=CostKind.DISCOUNT,
                        amount=Decimal(round(budget * 0.9, 2)).quantize(Decimal("0.01")),
                        description="Quarterly rebate",
                        created_by=author,
                    )
                )
    bulk_create_with_history(records, CostToServe, batch_size=1000, default_user=author)
