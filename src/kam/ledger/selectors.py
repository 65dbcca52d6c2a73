"""Reads of the ledger: import jobs and batches, and an account's sales (DOMAIN §2, §13)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Max, QuerySet, Sum
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.core.months import last_month_end, month_add
from kam.ledger.models import ImportBatch, ImportJob, LedgerLine, MonthlyAggregate
from kam.org.models import User


def import_jobs_visible_to(actor: User) -> QuerySet[ImportJob]:
    """Your own uploads; a director or administrator sees everyone's."""
    jobs = ImportJob.objects.select_related("created_by", "batch")
    return jobs if actor.governs else jobs.filter(created_by=actor)


def import_job_get(*, actor: User, job_id: uuid.UUID) -> ImportJob:
    return get_object_or_404(import_jobs_visible_to(actor), pk=job_id)


def batches_visible_to(actor: User) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("created_by", "undone_by")
    return batches if actor.governs else batches.filter(created_by=actor)


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
