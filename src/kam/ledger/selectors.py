"""Reads of the ledger: import jobs and batches, an account's sales, and the monthly aggregates
as arrays for the analytics core (DOMAIN §2, §13)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Max, Min, QuerySet, Sum
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.core.months import last_month_end, month_add, month_index
from kam.ledger.models import (
    BatchStatus,
    ImportBatch,
    ImportJob,
    LedgerLine,
    MonthlyAggregate,
    visible_batch_sql,
)
from kam.org.models import User


def import_jobs_visible_to(actor: User) -> QuerySet[ImportJob]:
    """Your own uploads; a director, administrator or executive sees everyone's (§13)."""
    jobs = ImportJob.objects.select_related("created_by", "batch")
    return jobs if actor.sees_all_accounts else jobs.filter(created_by=actor)


def import_job_get(*, actor: User, job_id: uuid.UUID) -> ImportJob:
    return get_object_or_404(import_jobs_visible_to(actor), pk=job_id)


def batches_visible_to(actor: User) -> QuerySet[ImportBatch]:
    """Imported (and undone) batches; one still merging is not imported yet (§2)."""
    batches = ImportBatch.objects.exclude(status=BatchStatus.MERGING).select_related(
        "created_by", "undone_by"
    )
    return batches if actor.sees_all_accounts else batches.filter(created_by=actor)


def batch_get(*, actor: User, batch_id: int) -> ImportBatch:
    return get_object_or_404(batches_visible_to(actor), pk=batch_id)


def account_ledger_lines(*, account: Account) -> QuerySet[LedgerLine]:
    return LedgerLine.objects.filter(account=account).order_by("-date", "-id")


@dataclass(frozen=True)
class SalesSummary:
    """An account's sales as of a date, in base-currency cents (DOMAIN §2 months)."""

    months: list[dt.date]
    revenue: list[int]
    trailing_12: int
    previous_12: int
    top_categories: list[tuple[str, int]]
    last_purchase: dt.date | None

    @property
    def growth(self) -> float | None:
        """Year-on-year growth of the trailing 12 months (none without a previous year)."""
        if self.previous_12 <= 0:
            return None
        return self.trailing_12 / self.previous_12 - 1


def account_sales(*, account: Account, as_of: dt.date, months: int = 36) -> SalesSummary:
    """Monthly net revenue for the `months` ending with the last month, T12M and YoY."""
    last = last_month_end(as_of).replace(day=1)
    first = month_add(last, -(months - 1))
    totals = dict(
        MonthlyAggregate.objects.filter(account=account, month__range=(first, last))
        .values("month")
        .annotate(revenue=Sum("revenue_cents"))
        .values_list("month", "revenue")
    )
    series = [month_add(first, offset) for offset in range(months)]
    revenue = [int(totals.get(month, 0)) for month in series]
    categories = (
        MonthlyAggregate.objects.filter(account=account, month__range=(month_add(last, -11), last))
        .values("category")
        .annotate(revenue=Sum("revenue_cents"))
        .order_by("-revenue")[:5]
    )
    last_purchase = LedgerLine.objects.filter(
        account=account, amount_cents__gt=0, date__lte=as_of
    ).aggregate(last=Max("date"))["last"]
    previous = (
        MonthlyAggregate.objects.filter(
            account=account, month__range=(month_add(last, -23), month_add(last, -12))
        ).aggregate(total=Sum("revenue_cents"))["total"]
        or 0
    )
    return SalesSummary(
        months=series,
        revenue=revenue,
        trailing_12=sum(revenue[-12:]),
        previous_12=int(previous),
        top_categories=[(row["category"], int(row["revenue"])) for row in categories],
        last_purchase=last_purchase,
    )


def ledger_first_month() -> dt.date | None:
    """The first month with an aggregate (None: an empty ledger)."""
    first: dt.date | None = MonthlyAggregate.objects.aggregate(first=Min("month"))["first"]
    return first


@dataclass(frozen=True, eq=False)
class AccountMonthArrays:
    """Account × month sums of the aggregates in cents: one row per account asked for, in
    that order; column 0 is the month with `month_index` `base`."""

    base: int
    revenue: npt.NDArray[np.int64]
    cost: npt.NDArray[np.int64]
    costed_revenue: npt.NDArray[np.int64]

    @property
    def width(self) -> int:
        return int(self.revenue.shape[1])


def account_month_arrays(
    *, account_ids: Sequence[int], since: dt.date, until: dt.date
) -> AccountMonthArrays:
    """Net revenue, cost and costed revenue per account and month, summed over categories, for
    `kam.analytics` (ARCHITECTURE: the aggregates are the only source analytics reads).

    The columns run from the month of `since`, or the ledger's first month when that is
    earlier (a lifecycle starts at the first revenue month), to the month of `until`; later
    months are left out. Every account of the aggregates must be among `account_ids`.
    """
    index_of = {pk: i for i, pk in enumerate(account_ids)}
    monthly = list(
        MonthlyAggregate.objects.values("account_id", "month")
        .annotate(
            revenue=Sum("revenue_cents"), cost=Sum("cost_cents"), costed=Sum("costed_revenue_cents")
        )
        .values_list("account_id", "month", "revenue", "cost", "costed")
    )
    base = min([month_index(since), *(month_index(row[1]) for row in monthly)])
    width = max(month_index(until) - base + 1, 1)
    n = len(account_ids)
    revenue = np.zeros((n, width), dtype=np.int64)
    cost = np.zeros((n, width), dtype=np.int64)
    costed = np.zeros((n, width), dtype=np.int64)
    if monthly:
        rows = np.array([index_of[row[0]] for row in monthly], dtype=np.int64)
        cols = np.array([month_index(row[1]) - base for row in monthly], dtype=np.int64)
        keep = cols < width
        for target, position in ((revenue, 2), (cost, 3), (costed, 4)):
            values = np.array([int(row[position] or 0) for row in monthly], dtype=np.int64)  # type: ignore[arg-type]
            np.add.at(target, (rows[keep], cols[keep]), values[keep])
    return AccountMonthArrays(base=base, revenue=revenue, cost=cost, costed_revenue=costed)


# Keys of (row, day ordinal): ordinals stay far below this for every date kam stores.
_DAY_SPAN = 4_000_000


@dataclass(frozen=True, eq=False)
class PurchaseDays:
    """Each account's purchase days up to a date, for the BG/NBD and Gamma-Gamma models
    (§10): one element per (account row, day) with a positive net amount on that day (lines
    of one day merge into one purchase), sorted by row then day; `day` is the proleptic
    ordinal (`date.toordinal()`), `amount` the day's net amount in cents."""

    row: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]
    amount: npt.NDArray[np.int64]


# Ledger ids read per text on SQLite: each line is some 20 characters of it, so a slice stays
# a few tens of megabytes, far under SQLite's longest string.
_TEXT_SLICE = 1_000_000


def _sqlite_line_days(table: str, where: str, until: Any) -> npt.NDArray[np.int64]:
    """The visible lines on or before the day as (account × span + day ordinal, amount) rows.

    Each value fetched costs a Python object, two million for a million lines; SQLite writes
    each slice of lines (in id order) as one comma-separated text instead, which numpy parses
    in C (the Julian day of 0001-01-01 is 1721425.5). Lines are merged into days by the
    caller."""
    key = f"account_id * {_DAY_SPAN} + CAST(julianday(date) - 1721424.5 AS INTEGER)"
    sql = (
        "SELECT group_concat(line, ','), MAX(id), COUNT(*) FROM ("  # noqa: S608
        f"SELECT id, ({key}) || ',' || amount_cents AS line FROM {table} "
        f"{where} AND id > %s ORDER BY id LIMIT {_TEXT_SLICE})"
    )
    parts: list[npt.NDArray[np.int64]] = []
    after = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [until, after])
            text, last, count = cursor.fetchone()
            if text:
                parts.append(np.fromstring(text, dtype=np.int64, sep=","))
            if count < _TEXT_SLICE:
                break
            after = last
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(parts).reshape(-1, 2)


def purchase_days(*, account_ids: Sequence[int], until: dt.date) -> PurchaseDays:
    """The purchase days of the accounts (rows in `account_ids` order) on or before `until`:
    one query whatever the number of accounts; accounts not asked for are left out.

    A million lines merge to most of a million days: the store computes each line's day
    ordinal, so no date object is made per row. PostgreSQL groups them itself (a hash
    aggregate); SQLite would sort the million lines for its GROUP BY, three times slower than
    reading them as they lie (`_sqlite_line_days`) and merging the days here with one sort of
    integer keys."""
    table = LedgerLine._meta.db_table
    where = f"WHERE date <= %s AND {visible_batch_sql()}"
    until_value = connection.ops.adapt_datefield_value(until)
    # The day as its proleptic ordinal, computed by the store: no date object per row.
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT account_id, (date - DATE '0001-01-01' + 1), SUM(amount_cents) "  # noqa: S608
            f"FROM {table} {where} GROUP BY account_id, date"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [until_value])
            table_rows = np.array(cursor.fetchall(), dtype=np.int64)  # Decimal sums: exact
    else:
        table_rows = _sqlite_line_days(table, where, until_value)
    empty = np.zeros(0, dtype=np.int64)
    if table_rows.size == 0:
        return PurchaseDays(empty, empty, empty)
    ids = np.asarray(account_ids, dtype=np.int64)
    if ids.size == 0:
        return PurchaseDays(empty, empty, empty)
    if table_rows.shape[1] == 2:  # SQLite's (account, day) keys
        account, ordinal = np.divmod(table_rows[:, 0], _DAY_SPAN)
        cents = table_rows[:, 1]
    else:
        account, ordinal, cents = table_rows[:, 0], table_rows[:, 1], table_rows[:, 2]
    order = np.argsort(ids, kind="stable")
    place = np.minimum(np.searchsorted(ids[order], account), ids.size - 1)
    known = ids[order][place] == account
    row = order[place[known]].astype(np.int64)
    # Lines of one (row, day) merge into one purchase; the day must be bought on, net. Sums
    # of whole cents do not depend on the order, so the sort need not be stable.
    key = row * _DAY_SPAN + ordinal[known]
    sort = np.argsort(key)
    key = key[sort]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    total = np.add.reduceat(cents[known][sort], starts) if starts.size else empty
    day_key = key[starts]
    bought = total > 0
    return PurchaseDays(day_key[bought] // _DAY_SPAN, day_key[bought] % _DAY_SPAN, total[bought])
