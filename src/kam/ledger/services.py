"""Ledger imports (all or nothing, idempotent, bulk) and their undo (DOMAIN §2)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from django.utils.timezone import now as timezone_now
from simple_history.utils import bulk_create_with_history

from kam.accounts.models import Account, AccountStatus
from kam.core.errors import Conflict
from kam.core.export import spreadsheet_safe
from kam.ledger.importing.mapping import LEDGER_FIELDS, LEDGER_REQUIRED, match_columns
from kam.ledger.importing.reading import FileRejected, Source, batches, sniff
from kam.ledger.importing.values import (
    AmbiguousDates,
    ColumnError,
    Parsed,
    clean_text,
    date_order,
    decimal_separator,
    looks_like_formula,
    month_start,
    parse_cents,
    parse_dates,
    parse_scaled,
    present,
)
from kam.ledger.models import BatchStatus, ExchangeRate, ImportBatch, ImportKind, LedgerLine
from kam.ledger.signals import ledger_changed
from kam.ledger.store import insert_lines, refresh_aggregates
from kam.org.models import User
from kam.org.permissions import require_governing, require_write

TEXT_LIMITS = {
    "document": 64,
    "line": 32,
    "product": 100,
    "category": 100,
    "account_code": 64,
    "account_name": 200,
}
MAX_REPORTED_ERRORS = 1_000_000
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    value: str


def formula_cells(column: str, values: pa.Array) -> list[RowError]:
    """An error for each cell of a master-data column a spreadsheet would run as a formula
    (row numbers count the header as row 1)."""
    return [
        RowError(index + 2, column, "looks like a spreadsheet formula", str(values[index]))
        for index in np.flatnonzero(looks_like_formula(values)).tolist()
    ]


@dataclass
class ImportResult:
    status: str  # imported | rejected | duplicate | dry_run
    file_name: str
    rows_read: int = 0
    lines_added: int = 0
    lines_skipped: int = 0
    accounts_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    message: str = ""
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in {"imported", "duplicate", "dry_run"}


class _Rejected(Exception):
    """Unwinds the import transaction; the database stays as it was."""


def base_currency() -> str:
    """The director's base currency (portfolio settings); KAM_BASE_CURRENCY seeds it."""
    from django.apps import apps

    stored = (
        apps.get_model("portfolio", "PortfolioSettings")
        .objects.filter(pk=1)
        .values_list("currency", flat=True)
        .first()
    )
    return str(stored or getattr(settings, "KAM_BASE_CURRENCY", "CNY"))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_data_rows(path: Path, source: Source) -> int | None:
    """Rows to expect (newlines less the header) for the progress bar; None if unknown."""
    if source.format != "csv" or source.encoding.startswith("utf-16"):
        return None
    newlines = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(16 << 20), b""):
            newlines += block.count(b"\n")
    return max(newlines - 1, 0)


INSERT_SLICE = 50_000


class _LedgerLoader:
    """One import: validates every row, inserts while the file is clean, remembers errors."""

    def __init__(
        self,
        *,
        actor: User | None,
        source: Source,
        batch: ImportBatch,
        create_accounts: bool,
        date_format: str | None,
        progress: ProgressCallback | None,
    ) -> None:
        self.actor = actor
        self.source = source
        self.batch = batch
        self.create_accounts = create_accounts
        self.date_format = date_format
        self.progress = progress
        self.base = base_currency()
        self.accounts = {
            code.casefold(): pk for code, pk in Account.objects.values_list("code", "id")
        }
        self.rates = {
            (currency, month): rate
            for currency, month, rate in ExchangeRate.objects.values_list(
                "currency", "month", "rate"
            )
        }
        self.created: dict[str, int] = {}
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_read = 0
        self.lines_added = 0
        self.lines_offered = 0
        self.touched: set[int] = set()
        self.first_month: dt.date | None = None
        self.last_month: dt.date | None = None
        self.date_order: str | None = None
        self.separators: dict[str, str] = {}

    def error(
        self, rows: np.ndarray, column: str, reason: str, values: pa.Array | None, offset: int
    ) -> None:
        self.error_count += len(rows)
        room = MAX_REPORTED_ERRORS - len(self.errors)
        for index in rows[: max(room, 0)]:
            value = values[int(index)].as_py() if values is not None else None
            self.errors.append(
                RowError(
                    offset + int(index), column, reason, "" if value is None else str(value)[:200]
                )
            )

    def run(self, columns: dict[str, int]) -> None:
        offset = 2  # the header is row 1
        for table in batches(self.source):
            self._load(table, columns, offset)
            offset += table.num_rows
            self.rows_read += table.num_rows
            if self.progress:
                self.progress(self.rows_read)

    def _column(self, table: pa.Table, columns: dict[str, int], name: str) -> pa.Array | None:
        if name not in columns:
            return None
        return clean_text(table.column(columns[name]).combine_chunks())

    def _decide_formats(self, table: pa.Table, columns: dict[str, int]) -> None:
        for name in ("amount", "cost", "quantity"):
            column = self._column(table, columns, name)
            if column is not None:
                self.separators[name] = decimal_separator(column, self.source.delimiter)
        if self.date_format is None:
            try:
                self.date_order = date_order(table.column(columns["date"]).combine_chunks())
            except AmbiguousDates:
                self.date_order = self._date_order_of_file(columns["date"])

    def _date_order_of_file(self, index: int) -> str | None:
        """Day/month order from the whole date column, so evidence late in the file counts."""
        dates = [table.column(index).combine_chunks() for table in batches(self.source)]
        return date_order(pa.concat_arrays(dates)) if dates else None

    def _load(self, table: pa.Table, columns: dict[str, int], offset: int) -> None:
        if not self.separators:
            self._decide_formats(table, columns)
        n = table.num_rows
        bad = np.zeros(n, dtype=bool)
        text: dict[str, pa.Array | None] = {}
        for name, limit in TEXT_LIMITS.items():
            column = self._column(table, columns, name)
            text[name] = column
            if column is None:
                continue
            formula = looks_like_formula(column)
            if formula.any():
                self.error(
                    np.flatnonzero(formula),
                    name,
                    "looks like a spreadsheet formula; kam does not import formulas",
                    column,
                    offset,
                )
            too_long = np.asarray(
                pc.fill_null(pc.greater(pc.utf8_length(column), limit), False).to_numpy(
                    zero_copy_only=False
                )
            )
            if too_long.any():
                self.error(
                    np.flatnonzero(too_long),
                    name,
                    f"longer than {limit} characters",
                    column,
                    offset,
                )
            bad |= formula | too_long

        codes = _required_column(text["account_code"])
        missing_code = ~present(codes)
        if missing_code.any():
            self.error(np.flatnonzero(missing_code), "account_code", "required", None, offset)
        bad |= missing_code

        raw_dates = _required_column(self._column(table, columns, "date"))
        dates = parse_dates(raw_dates, self.date_order, self.date_format)
        bad |= self._required(
            dates,
            raw_dates,
            "date",
            "not a date" + (f" in the form {self.date_format}" if self.date_format else ""),
            offset,
        )
        raw_amounts = _required_column(self._column(table, columns, "amount"))
        amounts = parse_cents(raw_amounts, self.separators.get("amount", "."))
        bad |= self._required(amounts, raw_amounts, "amount", "not an amount", offset)

        cost = self._optional_number(table, columns, "cost", offset, bad, scale=2)
        quantity = self._optional_number(table, columns, "quantity", offset, bad, scale=4)

        months = month_start(dates.values)
        currencies = text_currency = self._column(table, columns, "currency")
        if text_currency is not None:
            currencies = pc.fill_null(pc.utf8_upper(text_currency), self.base)
            wrong = ~np.asarray(
                pc.match_substring_regex(currencies, r"^[A-Z]{3}$").to_numpy(zero_copy_only=False),
                dtype=bool,
            )
            if wrong.any():
                self.error(
                    np.flatnonzero(wrong),
                    "currency",
                    "not a three-letter currency code",
                    text_currency,
                    offset,
                )
            bad |= wrong
        base_amounts, base_costs, no_rate = self._convert(
            currencies, months, amounts.values, cost, bad
        )
        if no_rate.any():
            self.error(
                np.flatnonzero(no_rate),
                "currency",
                "no exchange rate for this currency and month",
                currencies,
                offset,
            )
        bad |= no_rate

        account_ids = self._account_ids(codes, text["account_name"], bad, offset)
        if self.error_count:
            return  # keep validating the rest of the file, but insert nothing more
        self._insert(
            table,
            text,
            dates,
            months,
            amounts,
            base_amounts,
            base_costs,
            quantity,
            currencies,
            account_ids,
        )

    def _required(
        self, parsed: Parsed, raw: pa.Array, name: str, reason: str, offset: int
    ) -> np.ndarray:
        empty = ~present(raw)
        if empty.any():
            self.error(np.flatnonzero(empty), name, "required", None, offset)
        if parsed.invalid.any():
            self.error(np.flatnonzero(parsed.invalid), name, reason, raw, offset)
        return empty | parsed.invalid

    def _optional_number(
        self,
        table: pa.Table,
        columns: dict[str, int],
        name: str,
        offset: int,
        bad: np.ndarray,
        scale: int,
    ) -> pa.Array | None:
        raw = self._column(table, columns, name)
        if raw is None:
            return None
        parsed = parse_scaled(raw, self.separators.get(name, "."), scale)
        if parsed.invalid.any():
            self.error(np.flatnonzero(parsed.invalid), name, "not a number", raw, offset)
        bad |= parsed.invalid
        return parsed.values

    def _convert(
        self,
        currencies: pa.Array | None,
        months: pa.Array,
        amounts: pa.Array,
        cost: pa.Array | None,
        bad: np.ndarray,
    ) -> tuple[list[int | None], list[int | None] | None, np.ndarray]:
        """Amounts to base-currency cents at the month's rate, half to even (DOMAIN §2)."""
        amount_list = amounts.to_pylist()
        cost_list = cost.to_pylist() if cost is not None else None
        no_rate = np.zeros(len(amount_list), dtype=bool)
        if currencies is None:
            return amount_list, cost_list, no_rate
        foreign = np.flatnonzero(
            np.asarray(
                pc.not_equal(currencies, self.base).to_numpy(zero_copy_only=False), dtype=bool
            )
            & ~bad
        )
        month_list = months.to_pylist()
        currency_list = currencies.to_pylist()
        for index in foreign:
            rate = self.rates.get((currency_list[index], month_list[index]))
            if rate is None:
                no_rate[index] = True
                continue
            amount_list[index] = _convert_cents(amount_list[index], rate)
            if cost_list is not None:
                cost_list[index] = _convert_cents(cost_list[index], rate)
        return amount_list, cost_list, no_rate

    def _account_ids(
        self, codes: pa.Array, names: pa.Array | None, bad: np.ndarray, offset: int
    ) -> np.ndarray:
        """Account id per row; -1 where the code is unknown and cannot be created."""
        code_list: list[str | None] = codes.to_pylist()
        name_list: list[str | None] = (
            names.to_pylist() if names is not None else [None] * len(code_list)
        )
        ids = np.full(len(code_list), -1, dtype=np.int64)
        unknown: dict[str, tuple[str, str]] = {}  # casefolded code → (code, name)
        for index, code in enumerate(code_list):
            if code is None or bad[index]:
                continue
            found = self.accounts.get(code.casefold())
            if found is not None:
                ids[index] = found
            elif code.casefold() not in unknown or not unknown[code.casefold()][1]:
                unknown[code.casefold()] = (code, name_list[index] or "")
        if not unknown:
            return ids
        if not self.create_accounts:
            self.error(
                np.flatnonzero((ids == -1) & ~bad & present(codes)),
                "account_code",
                "unknown customer code (accounts are not created by this import)",
                codes,
                offset,
            )
            return ids
        if self.error_count:
            return ids  # nothing is written once the file is known to be bad
        self._create_accounts(list(unknown.values()))
        for index in np.flatnonzero(ids == -1).tolist():
            code = code_list[index]
            if code is not None and not bad[index]:
                ids[index] = self.accounts[code.casefold()]
        return ids

    def _create_accounts(self, new: list[tuple[str, str]]) -> None:
        """Unknown customers become prospect accounts without an owner (listed in the summary)."""
        accounts = [
            Account(code=code, name=(name or code)[:200], status=AccountStatus.PROSPECT)
            for code, name in new
        ]
        bulk_create_with_history(accounts, Account, default_user=self.actor, batch_size=1000)
        codes = [code for code, _name in new]
        for code, pk in Account.objects.filter(code__in=codes).values_list("code", "id"):
            self.accounts[code.casefold()] = pk
            self.created[code] = pk

    def _insert(
        self,
        table: pa.Table,
        text: dict[str, pa.Array | None],
        dates: Parsed,
        months: pa.Array,
        amounts: Parsed,
        base_amounts: list[int | None],
        base_costs: list[int | None] | None,
        quantity: pa.Array | None,
        currencies: pa.Array | None,
        account_ids: np.ndarray,
    ) -> None:
        # Python rows are built and written a slice at a time, so a block of the file never
        # exists as hundreds of thousands of tuples at once (peak memory, 10M-line files).
        def part(column: pa.Array | None, start: int, n: int) -> list[Any]:
            return [None] * n if column is None else column.slice(start, n).to_pylist()

        for start in range(0, table.num_rows, INSERT_SLICE):
            stop = min(start + INSERT_SLICE, table.num_rows)
            n = stop - start

            def strings(name: str, start: int = start, n: int = n) -> list[str]:
                return ["" if v is None else v for v in part(text.get(name), start, n)]

            quantities: list[Decimal | None] = [
                None if q is None else Decimal(q).scaleb(-4) for q in part(quantity, start, n)
            ]
            rows = list(
                zip(
                    account_ids[start:stop].tolist(),
                    [self.batch.pk] * n,
                    part(dates.values, start, n),
                    part(months, start, n),
                    strings("document"),
                    strings("line"),
                    strings("product"),
                    strings("category"),
                    quantities,
                    base_amounts[start:stop],
                    base_costs[start:stop] if base_costs is not None else [None] * n,
                    [self.base] * n if currencies is None else part(currencies, start, n),
                    part(amounts.values, start, n),
                    strict=True,
                )
            )
            self.lines_offered += len(rows)
            self.lines_added += insert_lines(rows)
        self.touched.update(np.unique(account_ids).tolist())
        month_values = [m for m in (pc.min(months).as_py(), pc.max(months).as_py()) if m]
        if month_values:
            self.first_month = min(
                [*month_values, *([self.first_month] if self.first_month else [])]
            )
            self.last_month = max([*month_values, *([self.last_month] if self.last_month else [])])


def _required_column(column: pa.Array | None) -> pa.Array:
    if column is None:  # match_columns guarantees the required ones
        raise FileRejected("a required column is missing")
    return column


def _convert_cents(cents: int | None, rate: Decimal) -> int | None:
    if cents is None:
        return None
    return int((Decimal(cents) * rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def ledger_import(
    *,
    actor: User | None,
    path: Path,
    file_name: str | None = None,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    create_accounts: bool = True,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import a ledger file whole or not at all (DOMAIN §2; the ledger import rules).

    The same file twice adds nothing; lines keyed by document and line number are added once.
    Raises FileRejected when the file as a whole cannot be read.
    """
    if actor is not None:
        require_write(actor)
    name = file_name or path.name
    digest = file_sha256(path)
    holder = ImportBatch.objects.filter(
        file_sha256=digest, kind=ImportKind.LEDGER, status=BatchStatus.DONE
    ).first()
    if holder is not None:
        return ImportResult(
            "duplicate",
            name,
            batch_id=holder.pk,
            message=f"this file is already imported as batch {holder.pk}",
        )
    source = sniff(path, delimiter=delimiter, encoding=encoding)
    columns = dict(match_columns(source.header, LEDGER_FIELDS, LEDGER_REQUIRED, mapping).columns)
    result = ImportResult("imported", name)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=ImportKind.LEDGER,
                file_name=name[:255],
                file_sha256=digest,
                file_size=path.stat().st_size,
                created_by=actor,
            )
            loader = _LedgerLoader(
                actor=actor,
                source=source,
                batch=batch,
                create_accounts=create_accounts,
                date_format=date_format,
                progress=progress,
            )
            try:
                loader.run(columns)
            except ColumnError as error:
                raise FileRejected(f"date: {error}") from error
            result.rows_read = loader.rows_read
            result.errors, result.error_count = loader.errors, loader.error_count
            if loader.rows_read == 0:
                raise FileRejected("the file has a header but no rows")
            if loader.error_count:
                result.status = "rejected"
                result.message = f"{loader.error_count} bad value(s); nothing was imported"
                raise _Rejected
            _finish(loader, batch, result)
            if dry_run:
                result.status = "dry_run"
                raise _Rejected
    except _Rejected:
        result.batch_id = None if result.status != "imported" else result.batch_id
    return result


def _finish(loader: _LedgerLoader, batch: ImportBatch, result: ImportResult) -> None:
    if loader.first_month and loader.last_month:
        refresh_aggregates(
            loader.touched,
            loader.first_month,
            loader.last_month,
            all_accounts=len(loader.touched) > 2000,
        )
    _prospects_with_revenue_become_customers(loader.touched, loader.actor)
    result.lines_added = loader.lines_added
    result.lines_skipped = loader.lines_offered - loader.lines_added
    result.accounts_created = sorted(loader.created)
    result.batch_id = batch.pk
    batch.rows_read = loader.rows_read
    batch.lines_added = result.lines_added
    batch.lines_skipped = result.lines_skipped
    batch.accounts_created = len(loader.created)
    batch.summary = {
        "accounts_created": result.accounts_created[:1000],
        "encoding": loader.source.encoding,
        "delimiter": loader.source.delimiter,
        "format": loader.source.format,
    }
    batch._history_user = loader.actor  # type: ignore[attr-defined]
    batch.save()
    ledger_changed.send(sender=ImportBatch, batch=batch, reason="import")
    result.message = (
        f"{result.lines_added} line(s) added, {result.lines_skipped} already "
        f"present, {len(loader.created)} account(s) created"
    )


def _prospects_with_revenue_become_customers(account_ids: set[int], actor: User | None) -> None:
    """A prospect that buys is a customer (docs/rules.md)."""
    from django.db.models import Sum

    buyers = list(
        Account.objects.filter(pk__in=account_ids, status=AccountStatus.PROSPECT)
        .annotate(revenue=Sum("monthly_aggregates__revenue_cents"))
        .filter(revenue__gt=0)
    )
    for account in buyers:
        account.status = AccountStatus.CUSTOMER
    # One UPDATE per chunk of keys (bulk_update would write a CASE per row), then history.
    pks = [account.pk for account in buyers]
    for start in range(0, len(pks), 5000):
        Account.objects.filter(pk__in=pks[start : start + 5000]).update(
            status=AccountStatus.CUSTOMER
        )
    if buyers:
        Account.history.bulk_history_create(buyers, default_user=actor, batch_size=1000)


@transaction.atomic
def batch_undo(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Remove an import's lines; aggregates follow (director or admin)."""
    require_governing(actor, "undo an import")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.UNDONE:
        raise Conflict("this import is already undone", field="batch")
    lines = LedgerLine.objects.filter(batch=batch)
    touched = set(lines.values_list("account_id", flat=True).distinct())
    span = lines.order_by("month").values_list("month", flat=True)
    first, last = span.first(), lines.order_by("-month").values_list("month", flat=True).first()
    lines._raw_delete(lines.db)  # bulk: no per-line signals (lines have no history)
    if first and last:
        refresh_aggregates(touched, first, last, all_accounts=len(touched) > 2000)
    batch.status = BatchStatus.UNDONE
    batch.undone_at = timezone_now()
    batch.undone_by = actor
    batch._history_user = actor  # type: ignore[attr-defined]
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    ledger_changed.send(sender=ImportBatch, batch=batch, reason="undo")
    return batch


def write_error_report(result: ImportResult, path: Path) -> Path:
    """The rejected rows as CSV: row, column, reason, value (formula-escaped)."""
    return write_rows_report(result.errors, path)


def write_rows_report(errors: list[RowError], path: Path) -> Path:
    """Rejected rows as CSV, sorted by row; values escaped against formula injection."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "reason", "value"])
        for error in sorted(errors, key=lambda e: (e.row, e.column)):
            writer.writerow([error.row, error.column, error.reason, spreadsheet_safe(error.value)])
    return path
