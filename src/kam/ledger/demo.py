"""The demo company's sales ledger: a believable B2B supplier's invoice lines.

Deterministic for a seed and vectorised, so it scales to 10,000 accounts and millions of
lines. Revenue follows a Pareto spread; accounts follow trajectories (new, growing, stable,
declining, churned) with seasonality, credit notes and costs. S0's case is in it: a group of
large customers drifting away after service quality declined and a competitor made an offer.
The lines go through the real import path (`ledger_import`) as one batch.
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
import pyarrow.csv as pacsv

from kam.accounts.demo import S0_GROUP
from kam.accounts.models import Account, AccountStatus
from kam.ledger.models import ExchangeRate
from kam.ledger.services import ledger_import
from kam.org.models import User

CATEGORIES = {
    "Pumps": ["PU-100", "PU-220", "PU-450"],
    "Valves": ["VA-10", "VA-25", "VA-60"],
    "Motors": ["MO-7", "MO-15", "MO-30"],
    "Drives": ["DR-5", "DR-22"],
    "Sensors": ["SE-P", "SE-T", "SE-F"],
    "Controls": ["CT-PLC", "CT-HMI"],
    "Spare parts": ["SP-KIT", "SP-SEAL", "SP-BRG"],
    "Service contracts": ["SV-BASIC", "SV-PREMIUM"],
}
# Seasonality of a Chinese industrial supplier: Spring Festival dip, year-end push.
SEASON = np.array([0.85, 0.7, 1.0, 1.02, 1.03, 1.05, 0.97, 0.95, 1.05, 1.0, 1.08, 1.3])
TRAJECTORIES = ("stable", "growing", "declining", "new", "churned")
TRAJECTORY_SHARES = (0.45, 0.2, 0.13, 0.12, 0.1)
DRIFT_MONTHS = 14  # a drifting account's revenue falls over the last 14 months


@dataclass(frozen=True)
class DemoAccount:
    code: str
    trajectory: str
    annual_revenue: float  # base currency, at the start of the period
    currency: str = "CNY"


def month_starts(last_month: dt.date, years: int) -> list[dt.date]:
    index = last_month.year * 12 + last_month.month - 1
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(index - years * 12 + 1, index + 1)]


def drift_start(last_month: dt.date, years: int) -> dt.date:
    """The first month in which a drifting account's revenue falls (S0's case; the default
    of `monthly_factors`), or the period's first month when the period is shorter."""
    months = month_starts(last_month, years)
    return months[max(len(months) - DRIFT_MONTHS, 0)]


def pareto_revenues(rng: np.random.Generator, count: int) -> np.ndarray:
    """Annual revenues with an 80/20-like spread: a few accounts of tens of millions."""
    shares = np.sort(rng.pareto(1.0, count) + 1)[::-1]
    top = 60_000_000.0
    return np.maximum(top * shares / shares[0] * rng.uniform(0.8, 1.0, count), 20_000.0)


def monthly_factors(
    trajectory: str, months: int, rng: np.random.Generator, drift_from: int | None = None
) -> np.ndarray:
    """Revenue multiplier per month for a trajectory (zeros before start or after churn)."""
    t = np.arange(months)
    if trajectory == "growing":
        factor = 0.6 * 1.5 ** (t / 12)
    elif trajectory == "declining":
        factor = 1.4 * 0.72 ** (t / 12)
    elif trajectory == "new":
        start = int(rng.integers(max(months - 20, 1), months - 2))
        factor = np.where(t >= start, np.minimum(1.0, 0.3 + (t - start) / 8), 0.0)
    elif trajectory == "churned":
        stop = int(rng.integers(months - 20, months - 7))
        factor = np.where(t < stop, 1.0, 0.0)
    elif trajectory == "drifting":
        # Drifting for 14 months: the whole trailing year is below the year before.
        begin = drift_from if drift_from is not None else months - DRIFT_MONTHS
        factor = np.where(t < begin, 1.05, np.maximum(0.15, 1.05 * 0.82 ** (t - begin + 1)))
    else:
        factor = np.ones(months)
    return factor


COLUMNS = (
    "customer",
    "date",
    "amount",
    "cost",
    "document",
    "line",
    "product",
    "category",
    "quantity",
    "currency",
)


def _account_lines(
    account: DemoAccount,
    months: list[dt.date],
    season: np.ndarray,
    rng: np.random.Generator,
    first_document: int,
) -> tuple[dict[str, np.ndarray], int]:
    """One account's invoice lines, and how many documents (orders) they use."""
    categories = list(CATEGORIES)
    factor = monthly_factors(account.trajectory, len(months), rng)
    monthly = (
        account.annual_revenue
        / 12
        * factor
        * season
        * rng.normal(1.0, 0.12, len(months)).clip(0.5, 1.5)
    )
    orders = np.where(
        monthly > 0, np.clip(rng.poisson(np.clip(monthly / 60_000, 0.4, 40)), 1, 60), 0
    )
    order_month = np.repeat(np.arange(len(months)), orders)
    lines_per_order = rng.integers(1, 5, order_month.size)
    line_order = np.repeat(np.arange(order_month.size), lines_per_order)
    line_month = order_month[line_order]
    size = line_order.size
    category_index = rng.choice(
        len(categories), size, p=rng.dirichlet(np.ones(len(categories)) * 0.7)
    )
    share = rng.gamma(2.0, 1.0, size)
    per_month = np.bincount(line_month, weights=share, minlength=len(months))
    amount = monthly[line_month] * share / np.where(per_month > 0, per_month, 1)[line_month]
    amount = np.where(rng.random(size) < 0.02, -amount * 0.3, amount)  # credit notes
    cost = np.where(rng.random(size) < 0.9, amount * (1 - rng.uniform(0.18, 0.42, size)), np.nan)
    dates = np.array(months, dtype="datetime64[D]")[line_month] + rng.integers(0, 28, size).astype(
        "timedelta64[D]"
    )
    products = np.array([rng.choice(CATEGORIES[name]) for name in categories])
    lines = {
        "customer": np.full(size, account.code),
        "date": dates,
        "amount": np.round(amount, 2),
        "cost": np.round(cost, 2),
        "document": np.char.add("INV", (first_document + line_order).astype(str)),
        "line": (
            np.arange(size)
            - np.repeat(np.cumsum(lines_per_order) - lines_per_order, lines_per_order)
            + 1
        ),
        "product": products[category_index],
        "category": np.array(categories)[category_index],
        "quantity": rng.integers(1, 50, size),
        "currency": np.full(size, account.currency),
    }
    return lines, int(order_month.size)


def generate_lines(
    accounts: list[DemoAccount], last_month: dt.date, years: int, seed: int
) -> pa.Table:
    """Invoice lines (one table) for the accounts over `years` ending with `last_month`."""
    rng = np.random.default_rng(seed)
    months = month_starts(last_month, years)
    season = SEASON[[m.month - 1 for m in months]]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in COLUMNS}
    documents = 0
    for account in accounts:
        lines, used = _account_lines(account, months, season, rng, documents)
        documents += used
        for name in COLUMNS:
            parts[name].append(lines[name])
    arrays = {}
    for name in COLUMNS:
        joined = np.concatenate(parts[name]) if parts[name] else np.array([])
        if name in {"amount", "cost"}:
            arrays[name] = pa.array(
                [None if np.isnan(v) else f"{v:.2f}" for v in joined], pa.string()
            )
        elif name == "date":
            arrays[name] = pa.array(joined.astype("datetime64[D]"), pa.date32())
        else:
            arrays[name] = pa.array(joined)
    return pa.table(arrays)


def write_ledger_csv(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path)
    return path


def demo_plan(rng: random.Random, accounts: list[Account], seed: int) -> list[DemoAccount]:
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


def _exchange_rates(last_month: dt.date, years: int) -> None:
    rate = Decimal("7.10")
    for month in month_starts(last_month, years + 1):
        ExchangeRate.objects.get_or_create(currency="USD", month=month, defaults={"rate": rate})
        rate = (rate + Decimal("0.012") * (1 if month.month % 3 else -2)).quantize(
            Decimal("0.0001")
        )


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


def demo_ledger_load(
    *, actor: User, plan: list[DemoAccount], last_month: dt.date, years: int, seed: int, path: Path
) -> int:
    """The plan's invoice lines, written to `path` as an ERP export and imported through the
    real import path as one batch (USD customers in dollars, at monthly rates); the lines added.

    Raises RuntimeError when the file does not import."""
    _exchange_rates(last_month, years)
    table = generate_lines(plan, last_month, years, seed)
    usd = {item.code for item in plan if item.currency == "USD"}
    write_ledger_csv(_in_currency(table, usd), path)
    result = ledger_import(
        actor=actor, path=path, file_name="demo-ledger.csv", create_accounts=False
    )
    if result.status != "imported":
        raise RuntimeError(f"the demo ledger did not import: {result.message}")
    return result.lines_added
