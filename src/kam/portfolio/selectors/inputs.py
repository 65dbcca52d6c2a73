"""What a score run reads: the accounts, estimates and costs as arrays (DOMAIN §2–§4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from django.db.models import Sum

from kam.accounts.models import Account, PotentialEstimate
from kam.core.money import decimal_to_cents
from kam.core.months import month_index
from kam.portfolio.models import (
    CostToServe,
)

# The inputs of a scoring run besides the ledger's aggregates (kam.analytics.portfolio), read
# for every account: a run scores the whole portfolio, whoever asked for it.


@dataclass(frozen=True, eq=False)
class ScoringAccounts:
    """Every account in primary-key order: code, parent row (−1: none), ratings (NaN: not
    rated) and key status."""

    ids: list[int]
    codes: npt.NDArray[np.str_]
    parent: npt.NDArray[np.int64]
    strategic_importance: npt.NDArray[np.float64]
    technical_fit: npt.NDArray[np.float64]
    credit_reputation: npt.NDArray[np.float64]
    is_key: npt.NDArray[np.bool_]


def scoring_accounts() -> ScoringAccounts:
    accounts = list(
        Account.objects.order_by("pk").values_list(
            "pk",
            "code",
            "parent_id",
            "strategic_importance",
            "technical_fit",
            "credit_reputation",
            "is_key",
        )
    )
    ids = [int(row[0]) for row in accounts]
    index_of = {pk: i for i, pk in enumerate(ids)}

    def rating(position: int) -> npt.NDArray[np.float64]:
        return np.array(
            [np.nan if row[position] is None else float(row[position]) for row in accounts]  # type: ignore[arg-type]
        )

    return ScoringAccounts(
        ids=ids,
        codes=np.array([row[1] for row in accounts], dtype=str),
        parent=np.array(
            [index_of.get(row[2], -1) if row[2] else -1 for row in accounts], dtype=np.int64
        ),
        strategic_importance=rating(3),
        technical_fit=rating(4),
        credit_reputation=rating(5),
        is_key=np.array([bool(row[6]) for row in accounts], dtype=bool),
    )


@dataclass(frozen=True, eq=False)
class EstimateArrays:
    """Potential estimates sorted by account row, date and entry (§2): one element each."""

    row: npt.NDArray[np.int64]
    estimated_on: tuple[dt.date, ...]
    cents: npt.NDArray[np.int64]


def potential_estimate_arrays(*, account_ids: Sequence[int]) -> EstimateArrays:
    """Every estimate, `row` being its account's position in `account_ids` (in key order)."""
    index_of = {pk: i for i, pk in enumerate(account_ids)}
    # Accounts are in primary-key order, so ordering by account_id is ordering by row.
    estimates = list(
        PotentialEstimate.objects.order_by(
            "account_id", "estimated_on", "created_at", "pk"
        ).values_list("account_id", "estimated_on", "amount")
    )
    return EstimateArrays(
        row=np.array([index_of[row[0]] for row in estimates], dtype=np.int64),
        estimated_on=tuple(row[1] for row in estimates),
        cents=np.array([decimal_to_cents(row[2]) for row in estimates], dtype=np.int64),
    )


def cost_to_serve_arrays(
    *, account_ids: Sequence[int], base: int, width: int
) -> npt.NDArray[np.int64]:
    """Cost to serve in cents per account row and month, column 0 being the month with
    `month_index` `base` (§4); months outside the columns are left out, so a stray old cost
    record cannot widen every array."""
    index_of = {pk: i for i, pk in enumerate(account_ids)}
    costs = list(
        CostToServe.objects.values("account_id", "month")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "month", "total")
    )
    cost_to_serve = np.zeros((len(account_ids), width), dtype=np.int64)
    if costs:
        rows = np.array([index_of[row[0]] for row in costs], dtype=np.int64)
        cols = np.array([month_index(row[1]) - base for row in costs], dtype=np.int64)
        keep = (cols >= 0) & (cols < width)
        values = np.array([decimal_to_cents(Decimal(row[2])) for row in costs], dtype=np.int64)
        np.add.at(cost_to_serve, (rows[keep], cols[keep]), values[keep])
    return cost_to_serve
