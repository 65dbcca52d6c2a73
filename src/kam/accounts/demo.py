"""The demo company's customers: groups, subsidiaries and single companies, their account
teams, potential estimates, key-account decisions and notes.

Written through the accounts services, as a director would. Deterministic for the caller's
random generator; S0's group (`S0_GROUP`) is the one whose revenue drifts away.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
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
from kam.org.models import User

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


PREFIXES = [
    "Huaan",
    "Jinlong",
    "Tianhe",
    "Dongfang",
    "Xinda",
    "Hongyuan",
    "Zhongtai",
    "Ruifeng",
    "Baoli",
    "Changxing",
    "Haitong",
    "Kaiyuan",
    "Minsheng",
    "Shengda",
    "Tongda",
    "Weilai",
    "Xingye",
    "Yuanhang",
    "Zhenhua",
    "Anda",
]
SUFFIXES = [
    "Electronics",
    "Machinery",
    "Chemicals",
    "Power",
    "Foods",
    "Pharma",
    "Logistics",
    "Automation",
    "Materials",
    "Instruments",
    "Packaging",
    "Textiles",
    "Motors",
    "Water",
    "Metals",
]
S0_GROUP = "G200"


def _owner_for(region: str, managers: list[User]) -> User:
    return (
        managers[0] if region in {"East China", "North China", "Central China"} else (managers[1])
    )


@transaction.atomic
def demo_accounts(rng: random.Random, count: int, users: Mapping[str, User]) -> list[Account]:
    """The groups with their subsidiaries, then single companies up to `count`; most owned by
    the two managers by region, the larger ones with sales and service on the account team."""
    director = users["director"]
    managers = [users["manager"], users["manager2"]]
    created: list[Account] = []
    number = 10000

    def next_code() -> str:
        nonlocal number
        number += 1
        return f"C{number}"

    for code, name, legal, industry, region, size, children in GROUPS:
        if len(created) >= count:
            break
        owner = _owner_for(region, managers)
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
    names = list(COMPANIES)
    while len(names) < count:
        names.append(f"{rng.choice(PREFIXES)} {rng.choice(SUFFIXES)} {len(names)}")
    for index, name in enumerate(names[: max(count - len(created), 0)]):
        region = rng.choice(REGIONS)
        status = AccountStatus.PROSPECT if index % 7 == 6 else AccountStatus.CUSTOMER
        owned = index % 4 != 3 and index != len(COMPANIES) - 1
        created.append(
            account_create(
                actor=director,
                code=next_code(),
                name=name,
                legal_name=f"{name} Co., Ltd.",
                industry=rng.choice(INDUSTRIES),
                region=region,
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
                owner_id=_owner_for(region, managers).pk if owned else None,
                status=status,
                # Managers rate the customers they know well, not every small one.
                strategic_importance=rng.randint(1, 5) if index < 40 else None,
                technical_fit=rng.randint(1, 5) if index < 40 else None,
                credit_reputation=(1 if index == 9 else rng.randint(2, 5)) if index < 40 else None,
            )
        )
    for index, account in enumerate(created[:60]):
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
    return created


def demo_potential_estimates(
    rng: random.Random,
    accounts: list[Account],
    revenue: Mapping[str, float],
    actor: User,
    as_of: dt.date,
) -> None:
    """Most large customers have an estimate; some are stale, some are missing (§2).

    `revenue` is each customer's planned annual revenue by code (the ledger's demo plan)."""
    for index, account in enumerate(accounts):
        yearly = revenue.get(account.code, 0.0)
        if index % 5 == 4 or (yearly == 0 and index % 3):
            continue
        months_ago = rng.randint(14, 20) if index % 6 == 0 else rng.randint(1, 9)
        # Every fourth estimate sees real headroom: the class C customers worth investing in.
        spread = (4.0, 10.0) if index % 4 == 1 else (1.1, 4.0)
        amount = max(yearly, 500_000.0) * rng.uniform(*spread)
        potential_estimate_add(
            actor=account.owner or actor,
            account=account,
            amount=Decimal(round(amount, -4)).quantize(Decimal("0.01")),
            estimated_on=as_of - dt.timedelta(days=30 * months_ago),
            source=rng.choice(["Annual review", "Customer budget", "Industry report"]),
        )


def demo_decisions_and_notes(created: list[Account], users: Mapping[str, User]) -> None:
    """The first six accounts (the groups and their subsidiaries) become key accounts; two
    notes mention the director, one on S0's group."""
    director = users["director"]
    for account in created[:6]:
        account_set_key_status(
            actor=director,
            account=account,
            is_key=True,
            reason="Top revenue and strategic fit (demo).",
        )
    s0 = next((a for a in created if a.code == S0_GROUP), None)
    if s0 is not None:
        note_add(
            actor=users["manager2"],
            account=s0,
            body="Delivery delays and slow complaint handling this year; their "
            "procurement says a competitor offered 8% off and free installation. "
            "@director we need a win-back plan.",
        )
    note_add(
        actor=users["manager"],
        account=created[0],
        body="Quarterly review booked with their procurement head. @director please join.",
    )


def demo_present() -> bool:
    """Whether the database already holds accounts (the demo then loads nothing)."""
    return Account.objects.exists()


def account_count() -> int:
    """How many accounts the database holds (the demo's summary line)."""
    return Account.objects.count()
