"""The demo company: a believable B2B supplier's users, teams and customer accounts.

Deterministic for a seed. The ledger issue grows it into a whole company with sales history.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from kam.accounts.models import Account, AccountStatus, AccountType, SizeBand, TeamRole
from kam.accounts.services import (
    account_create,
    account_set_key_status,
    note_add,
    potential_estimate_add,
    team_member_add,
)
from kam.core.dates import today
from kam.core.months import last_month_end, month_add
from kam.ledger.demo import (
    TRAJECTORIES,
    TRAJECTORY_SHARES,
    DemoAccount,
    generate_lines,
    month_starts,
    pareto_revenues,
    write_ledger_csv,
)
from kam.ledger.models import ExchangeRate
from kam.ledger.services import ledger_import
from kam.org.models import Role, User
from kam.org.services import user_create
from kam.portfolio.models import CostKind, CostToServe
from kam.portfolio.services.scoring import score_history
from kam.relationships.models import Attitude, BuyingRole, Contact

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


@dataclass(frozen=True)
class DemoResult:
    created: bool
    users: int
    accounts: int
    lines: int = 0


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


def _owner_for(region: str, managers: list[User]) -> User:
    return (
        managers[0] if region in {"East China", "North China", "Central China"} else (managers[1])
    )


@transaction.atomic
def _accounts(rng: random.Random, count: int, users: dict[str, User]) -> list[Account]:
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


def _plan(rng: random.Random, accounts: list[Account], seed: int) -> list[DemoAccount]:
    """Revenue and trajectory per customer: the groups on top, S0's group drifting away."""
    customers = [a for a in accounts if a.status == AccountStatus.CUSTOMER]
    revenues = pareto_revenues(np.random.default_rng(seed), len(customers))
    planned: list[DemoAccount] = []
    for rank, account in enumerate(customers):
        in_s0 = account.code == S0_GROUP or (
            account.parent is not None and account.parent.code == S0_GROUP
        )
        if in_s0:
            trajectory = "drifting"
        elif rank < 6:
            trajectory = rng.choice(["stable", "growing"])
        else:
            trajectory = rng.choices(TRAJECTORIES, TRAJECTORY_SHARES)[0]
        currency = "USD" if account.region == "Overseas" and rank % 2 == 0 else "CNY"
        planned.append(DemoAccount(account.code, trajectory, float(revenues[rank]), currency))
    return planned


def _potentials(
    rng: random.Random,
    accounts: list[Account],
    plan: list[DemoAccount],
    actor: User,
    as_of: dt.date,
) -> None:
    """Most large customers have an estimate; some are stale, some are missing (§2)."""
    revenue = {item.code: item.annual_revenue for item in plan}
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


def _exchange_rates(last_month: dt.date, years: int) -> None:
    rate = Decimal("7.10")
    for month in month_starts(last_month, years + 1):
        ExchangeRate.objects.get_or_create(currency="USD", month=month, defaults={"rate": rate})
        rate = (rate + Decimal("0.012") * (1 if month.month % 3 else -2)).quantize(
            Decimal("0.0001")
        )


def demo_load(*, seed: int = 7, accounts: int = 300, years: int = 3) -> DemoResult:
    """Load the demo company once; a database that already has accounts is left alone."""
    if Account.objects.exists():
        return DemoResult(False, User.objects.count(), Account.objects.count())
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    users = _users()
    created = _accounts(rng, accounts, users)
    as_of = today()
    last_month = last_month_end(as_of).replace(day=1)
    plan = _plan(rng, created, seed)
    _exchange_rates(last_month, years)
    table = generate_lines(plan, last_month, years, seed)
    usd = {item.code for item in plan if item.currency == "USD"}
    path = write_ledger_csv(
        _in_currency(table, usd),
        Path(settings.KAM_HOME) / "demo" / f"ledger-seed{seed}-{accounts}x{years}.csv",
    )
    result = ledger_import(
        actor=users["director"], path=path, file_name="demo-ledger.csv", create_accounts=False
    )
    if result.status != "imported":
        raise RuntimeError(f"the demo ledger did not import: {result.message}")
    with transaction.atomic():
        _potentials(rng, created, plan, users["director"], as_of)
        _decisions_and_notes(created, users)
        _costs_to_serve(rng, created, plan, last_month)
        _buying_centres(rng, created, plan, as_of)
    score_history(as_of=as_of)
    return DemoResult(True, User.objects.count(), len(created), result.lines_added)


def _costs_to_serve(
    rng: random.Random, created: list[Account], plan: list[DemoAccount], last_month: dt.date
) -> None:
    """A year and a quarter of cost to serve for the larger customers: some in their class
    band, some over- or under-served (§4)."""
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
                )
            )
            records.append(
                CostToServe(
                    account=account,
                    month=month,
                    kind=CostKind.TRAVEL,
                    amount=Decimal(round(budget * 0.2, 2)).quantize(Decimal("0.01")),
                    description="Visits",
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
                    )
                )
    bulk_create_with_history(records, CostToServe, batch_size=1000)


# (department, title, buying role) of the people a supplier meets at a large customer.
_BUYING_CENTRE = [
    ("Management", "General Manager", BuyingRole.DECISION_MAKER),
    ("Procurement", "Purchasing Director", BuyingRole.DECISION_MAKER),
    ("Procurement", "Buyer", BuyingRole.GATEKEEPER),
    ("Engineering", "Chief Engineer", BuyingRole.TECHNICAL_EVALUATOR),
    ("Production", "Plant Manager", BuyingRole.USER),
    ("Engineering", "Process Engineer", BuyingRole.COACH),
    ("Quality", "Quality Manager", BuyingRole.INFLUENCER),
]
_SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu"]
_GIVEN = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Qiang", "Hui", "Jun", "Ping", "Tao"]


def _buying_centres(
    rng: random.Random, created: list[Account], plan: list[DemoAccount], as_of: dt.date
) -> None:
    """The people at the 40 largest customers (§7): the drifting S0 group has lost its
    champion and meets a sceptical buyer; others have gaps of their own."""
    accounts = {account.code: account for account in created}
    for item in plan[:40]:
        account = accounts[item.code]
        drifting = item.trajectory == "drifting"
        people: list[Contact] = []
        # The drifting group's whole buying centre is on file: its coach is the one who left.
        size = len(_BUYING_CENTRE) if drifting else rng.randint(3, len(_BUYING_CENTRE))
        for department, title, role in _BUYING_CENTRE[:size]:
            left = drifting and role == BuyingRole.COACH
            people.append(
                Contact(
                    account=account,
                    name=f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}",
                    department=department,
                    title=title,
                    buying_role=role,
                    influence=5 if role == BuyingRole.DECISION_MAKER else rng.randint(2, 4),
                    attitude=(
                        Attitude.SCEPTIC
                        if drifting and role == BuyingRole.GATEKEEPER
                        else rng.choice([Attitude.CHAMPION, Attitude.SUPPORTER, Attitude.NEUTRAL])
                    ),
                    closeness=rng.randint(1, 3) if drifting else rng.randint(2, 5),
                    solution_approval=rng.randint(2, 5),
                    price_acceptance=rng.randint(1, 4),
                    last_contact=as_of - dt.timedelta(days=rng.randint(3, 200)),
                    active=not left,
                    left_on=as_of - dt.timedelta(days=60) if left else None,
                )
            )
        bulk_create_with_history(people, Contact, batch_size=1000)
        bosses = [person for person in people if person.buying_role == BuyingRole.DECISION_MAKER]
        for person in people[1:]:
            if bosses and person is not bosses[0]:
                person.reports_to = bosses[0]
        Contact.objects.bulk_update(people[1:], ["reports_to"])


def _in_currency(table: pa.Table, usd_codes: set[str]) -> pa.Table:
    """USD customers are invoiced in dollars: their amounts are divided by ~7.1."""
    if not usd_codes:
        return table
    is_usd = pc.is_in(table.column("customer"), pa.array(sorted(usd_codes)))
    columns = {}
    for name in ("amount", "cost"):
        values = pc.cast(table.column(name), pa.float64())
        converted = pc.round(pc.divide(values, 7.1), 2)
        columns[name] = pc.cast(pc.if_else(is_usd, converted, values), pa.string())
    for name, column in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table


def _decisions_and_notes(created: list[Account], users: dict[str, User]) -> None:
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
