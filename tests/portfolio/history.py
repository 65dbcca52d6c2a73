"""A scored company with a monthly history, for the reads of past month ends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from kam.accounts.models import Account
from kam.ledger.services import ledger_import
from kam.org.models import User
from kam.portfolio.services.scoring import score_history
from tests.factories import AccountFactory, PotentialEstimateFactory

AS_OF = dt.date(2026, 11, 15)
PAST = dt.date(2026, 6, 30)  # a month end kept only in the monthly history


def company_with_history(tmp_path: Path, director: User, owner: User) -> dict[str, Account]:
    """Three of `owner`'s accounts with 2025-01 … 2026-10 sales, scored with the history:
    BIG sells 1.1 M a month against a 60 M potential (held to class C by the relative rule),
    MID 0.5 M a month without an estimate, and SMALL 10,000 a month."""
    accounts = {
        code: AccountFactory(owner=owner, code=code, name=f"Customer {code}")
        for code in ("BIG", "MID", "SMALL")
    }
    PotentialEstimateFactory(
        account=accounts["BIG"], amount=Decimal(60_000_000), estimated_on=dt.date(2025, 1, 1)
    )
    monthly = {"BIG": 1_100_000, "MID": 500_000, "SMALL": 10_000}
    lines = ["customer,date,amount"]
    for year, month in [(2025, m) for m in range(1, 13)] + [(2026, m) for m in range(1, 11)]:
        lines += [f"{code},{year}-{month:02d}-10,{amount}.00" for code, amount in monthly.items()]
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join(lines) + "\n")
    assert ledger_import(actor=director, path=path).status == "imported"
    score_history(as_of=AS_OF)
    return accounts
