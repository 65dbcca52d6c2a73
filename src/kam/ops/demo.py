"""The demo company: a believable B2B supplier's people, customers, sales history, cost to
serve, buying centres and engagement (activities, complaints, surveys, trainings, competitor
moves), scored over its whole history, win-back plans started a year ago for half of the
accounts at risk then, its alerts swept once.

Each app writes its own part (its `demo.py`, through its services or bulk paths); this module
only runs them in order with one random generator, so a seed always builds the same company.
The accounts' estimates, key decisions and notes come after the ledger because the estimates
follow each customer's planned revenue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from kam.accounts.demo import (
    account_count,
    demo_accounts,
    demo_decisions_and_notes,
    demo_potential_estimates,
    demo_present,
)
from kam.core.dates import today
from kam.core.months import last_month_end
from kam.engagement.demo import demo_engagement, demo_sweeps
from kam.ledger.demo import demo_ledger_load, demo_plan
from kam.org.demo import demo_users, user_count
from kam.portfolio.demo import demo_costs_to_serve
from kam.portfolio.services.rescore import rescore_paused
from kam.portfolio.services.scoring import score_history
from kam.relationships.demo import demo_buying_centres
from kam.risk.demo import demo_win_back


@dataclass(frozen=True)
class DemoResult:
    created: bool
    users: int
    accounts: int
    lines: int = 0


def demo_load(*, seed: int = 7, accounts: int = 300, years: int = 3) -> DemoResult:
    """Load the demo company once; a database that already has accounts is left alone."""
    if demo_present():
        return DemoResult(False, user_count(), account_count())
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    users = demo_users()
    created = demo_accounts(rng, accounts, users)
    as_of = today()
    last_month = last_month_end(as_of).replace(day=1)
    plan = demo_plan(rng, created, seed)
    lines = demo_ledger_load(
        actor=users["director"],
        plan=plan,
        last_month=last_month,
        years=years,
        seed=seed,
        path=Path(settings.KAM_HOME) / "demo" / f"ledger-seed{seed}-{accounts}x{years}.csv",
    )
    with rescore_paused(), transaction.atomic():
        revenue = {item.code: item.annual_revenue for item in plan}
        demo_potential_estimates(rng, created, revenue, users["director"], as_of)
        demo_decisions_and_notes(created, users)
        demo_costs_to_serve(rng, created, plan, last_month, users["director"])
        demo_buying_centres(rng, created, plan, as_of)
        demo_engagement(rng, created, plan, users, as_of=as_of, last_month=last_month, years=years)
    score_history(as_of=as_of)
    with rescore_paused(), transaction.atomic():
        demo_win_back(rng, created, plan, users, as_of=as_of)
    demo_sweeps(as_of)
    return DemoResult(True, user_count(), len(created), lines)
