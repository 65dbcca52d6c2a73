"""The demo company: a believable B2B supplier's users, teams and customer accounts.

Deterministic for a seed. The ledger issue grows it into a whole company with sales history.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kam.accounts.models import Account, AccountStatus, AccountType, SizeBand, TeamRole
from kam.accounts.services import (
    account_create,
    account_set_key_status,
    note_add,
    potential_estimate_add,
    team_member_add,
)
from kam.core.dates import today
from kam.org.models import Role, User
from kam.org.services import user_create

DEMO_PASSWORD = "kam-demo"  # noqa: S105 - published demo sign-in, printed by `make run`
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("director", Role.DIRECTOR, "Fang", "Wang"),
    ("manager", Role.MANAGER, "Wei", "Li"),
    ("manager2", Role.MANAGER, "Min", "Zhang"),
    ("sales", Role.SALES, "Jing", "Chen"),
    ("marketing", Role.MARKETING, "Yang", "Liu"),
    ("service", Role.SERVICE, "Lei", "Zhao"),
    ("executive", Role.EXECUTIVE, "Hui", "Sun"),
    ("admin", Role.ADMIN, "Admin", ""),
]
TEAMS = {
    "East key accounts": ["manager", "sales", "service"],
    "South key accounts": ["manager2", "marketing"],
}

INDUSTRIES = [
    "Automotive",
    "Electronics",
    "Energy",
    "Machinery",
    "Food and beverage",
    "Pharmaceuticals",
    "Logistics",
]
REGIONS = ["East China", "South China", "North China", "Central China", "West China", "Overseas"]
# (code, name, legal name, industry, region, size, children)
GROUPS = [
    (
        "G100",
        "Huaxin Group",
        "Huaxin Industrial Group Co., Ltd.",
        "Machinery",
        "East China",
        SizeBand.ENTERPRISE,
        ["Huaxin Heavy Machinery", "Huaxin Hydraulics", "Huaxin Robotics"],
    ),
    (
        "G200",
        "Orient Auto Group",
        "Orient Automobile Group Co., Ltd.",
        "Automotive",
        "South China",
        SizeBand.ENTERPRISE,
        ["Orient Auto Parts", "Orient Commercial Vehicles"],
    ),
]
COMPANIES = [
    "Jinghai Electronics",
    "Tianrun Energy",
    "Bluestone Pharma",
    "Yangtze Logistics",
    "Sunrise Foods",
    "Pearl River Devices",
    "Northstar Power",
    "Greenfield Dairy",
    "Silverline Motors",
    "Kunlun Chemicals",
    "Hengtai Machinery",
    "Lotus Packaging",
    "Everbright Solar",
    "Meridian Instruments",
    "Harbor Cold Chain",
    "Crane Automation",
    "Redwood Components",
    "Jade Valley Beverages",
    "Summit Semiconductors",
    "Phoenix Medical",
    "Grand Canal Shipping",
    "Westwind Turbines",
    "Oriental Textiles",
]


@dataclass(frozen=True)
class DemoResult:
    created: bool
    users: int
    accounts: int


def _users() -> dict[str, User]:
    users = {}
    for username, role, first, last in DEMO_USERS:
        users[username] = User.objects.filter(username=username).first() or user_create(
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            team_names=[name for name, members in TEAMS.items() if username in members],
        )
    return users


@transaction.atomic
def demo_load(*, seed: int = 7) -> DemoResult:
    """Load the demo once; a database that already has accounts is left alone."""
    if Account.objects.exists():
        return DemoResult(False, User.objects.count(), Account.objects.count())
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    users = _users()
    director = users["director"]
    managers = [users["manager"], users["manager2"]]
    as_of = today()
    number = 10000

    def next_code() -> str:
        nonlocal number
        number += 1
        return f"C{number}"

    created: list[Account] = []
    for code, name, legal, industry, region, size, children in GROUPS:
        owner = managers[len(created) % 2]
        parent = account_create(
            actor=director,
            code=code,
            name=name,
            legal_name=legal,
            industry=industry,
            region=region,
            size_band=size,
            owner_id=owner.pk,
            status=AccountStatus.CUSTOMER,
            account_type=AccountType.END_USER,
            strategic_importance=5,
            technical_fit=4,
            credit_reputation=5,
        )
        created.append(parent)
        for child in children:
            created.append(
                account_create(
                    actor=director,
                    code=next_code(),
                    name=child,
                    legal_name=f"{child} Co., Ltd.",
                    industry=industry,
                    region=region,
                    size_band=SizeBand.LARGE,
                    owner_id=owner.pk,
                    parent_id=parent.pk,
                    status=AccountStatus.CUSTOMER,
                    account_type=AccountType.END_USER,
                    strategic_importance=rng.randint(3, 5),
                    technical_fit=rng.randint(3, 5),
                    credit_reputation=rng.randint(3, 5),
                )
            )
    for index, name in enumerate(COMPANIES):
        status = AccountStatus.PROSPECT if index % 7 == 6 else AccountStatus.CUSTOMER
        created.append(
            account_create(
                actor=director,
                code=next_code(),
                name=name,
                legal_name=f"{name} Co., Ltd.",
                industry=rng.choice(INDUSTRIES),
                region=rng.choice(REGIONS),
                size_band=rng.choice(list(SizeBand)),
                account_type=rng.choice(
                    [
                        AccountType.END_USER,
                        AccountType.END_USER,
                        AccountType.OEM,
                        AccountType.DISTRIBUTOR,
                        AccountType.INTEGRATOR,
                    ]
                ),
                owner_id=None if index == len(COMPANIES) - 1 else managers[index % 2].pk,
                status=status,
                strategic_importance=rng.randint(1, 5),
                technical_fit=rng.randint(1, 5),
                credit_reputation=1 if index == 9 else rng.randint(2, 5),
            )
        )

    for index, account in enumerate(created):
        # Most key candidates have an estimate; some are old (stale), some missing (§2).
        if index % 5 != 4:
            months_ago = 15 if index % 6 == 0 else rng.randint(1, 9)
            potential_estimate_add(
                actor=account.owner or director,
                account=account,
                amount=Decimal(rng.choice([3, 6, 8, 12, 18, 25, 40, 60])) * Decimal(1_000_000),
                estimated_on=as_of - dt.timedelta(days=30 * months_ago),
                source=rng.choice(["Annual review", "Customer budget", "Industry report"]),
            )
        if account.owner is not None and account.status == AccountStatus.CUSTOMER:
            team_member_add(
                actor=director, account=account, user_id=users["sales"].pk, role=TeamRole.SALES
            )
            if index % 3 == 0:
                team_member_add(
                    actor=director,
                    account=account,
                    user_id=users["service"].pk,
                    role=TeamRole.SERVICE,
                )
    for account in created[:6]:
        account_set_key_status(
            actor=director,
            account=account,
            is_key=True,
            reason="Top revenue and strategic fit (demo).",
        )
    note_add(
        actor=users["manager"],
        account=created[0],
        body="Quarterly review booked with their procurement head. @director please join.",
    )
    note_add(
        actor=users["sales"],
        account=created[1],
        body="Competitor offered 8% off on hydraulics; keep an eye on it. @manager",
    )
    return DemoResult(True, User.objects.count(), len(created))
