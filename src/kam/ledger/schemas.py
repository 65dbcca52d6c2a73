"""API schemas for imports, batches and an account's sales."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kam.core.money import cents_to_decimal
from kam.core.schemas import MoneyOut, text
from kam.core.workers import JobWait, live_worker_ids_for
from kam.ledger.models import ImportJob
from kam.ledger.upkeep import import_job_wait


class ImportOptionsIn(Schema):
    kind: text(40) = "ledger"  # type: ignore[valid-type]
    map: list[text(200, 3)] = []  # type: ignore[valid-type]
    date_format: text(40) = ""  # type: ignore[valid-type]
    delimiter: text(1) = ""  # type: ignore[valid-type]
    encoding: text(20) = ""  # type: ignore[valid-type]
    dry_run: bool = False
    create_accounts: bool = True
    skip_total_rows: bool = Field(
        False, description="Skip rows that total the others (合计, Total, Subtotal …)."
    )


class ImportJobOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    file_name: str
    file_size: int
    rows_expected: int | None
    rows_done: int
    result: dict[str, Any]
    batch_id: int | None
    created_at: dt.datetime
    queued_at: dt.datetime | None
    finished_at: dt.datetime | None
    waiting_for_worker: bool = Field(
        description="Queued while no worker is running: start one with `kam worker`."
    )
    queued_seconds: int | None = Field(description="How long a queued job has waited.")

    @staticmethod
    def resolve_rows_done(obj: ImportJob) -> int:
        from kam.ledger.jobs import import_job_progress

        return import_job_progress(obj)

    @staticmethod
    def resolve_waiting_for_worker(obj: ImportJob, context: dict[str, Any]) -> bool:
        return _wait(obj, context).waiting_for_worker

    @staticmethod
    def resolve_queued_seconds(obj: ImportJob, context: dict[str, Any]) -> int | None:
        return _wait(obj, context).queued_seconds


def _wait(job: ImportJob, context: dict[str, Any] | None) -> JobWait:
    """The job's wait, the live workers looked up once for the whole answer (a list)."""
    request = (context or {}).get("request")
    live = live_worker_ids_for(request) if request is not None else None
    return import_job_wait(job, live=live)


class BatchOut(Schema):
    id: int
    kind: str
    file_name: str
    status: str
    rows_read: int
    lines_added: int
    lines_skipped: int
    accounts_created: int
    created_by_id: int | None
    created_at: dt.datetime
    undone_at: dt.datetime | None


class LedgerLineOut(Schema):
    id: int
    date: dt.date
    document: str
    line: str
    product: str
    category: str
    quantity: str | None
    amount: MoneyOut
    cost: MoneyOut | None
    currency: str
    original_amount: MoneyOut = Field(..., description="In the line's own currency.")
    batch_id: int

    @staticmethod
    def resolve_quantity(obj: Any) -> str | None:
        return None if obj.quantity is None else str(obj.quantity)

    @staticmethod
    def resolve_amount(obj: Any) -> Decimal:
        return cents_to_decimal(obj.amount_cents)

    @staticmethod
    def resolve_cost(obj: Any) -> Decimal | None:
        return None if obj.cost_cents is None else cents_to_decimal(obj.cost_cents)

    @staticmethod
    def resolve_original_amount(obj: Any) -> Decimal:
        return cents_to_decimal(obj.original_amount_cents)


class MonthRevenueOut(Schema):
    month: dt.date
    revenue: MoneyOut


class CategoryRevenueOut(Schema):
    category: str
    revenue: MoneyOut


class SalesOut(Schema):
    as_of: dt.date
    currency: str
    months: list[MonthRevenueOut]
    trailing_12: MoneyOut
    previous_12: MoneyOut
    growth: float | None
    top_categories: list[CategoryRevenueOut]
    last_purchase: dt.date | None
