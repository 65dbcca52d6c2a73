"""Ledger imports (all or nothing, idempotent, bulk) and their undo (DOMAIN §2)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kam.accounts.models import Account, AccountStatus
from kam.core.bulk import history_copy
from kam.core.errors import Conflict
from kam.core.export import spreadsheet_safe
from kam.core.months import EARLIEST_DAY, LATEST_DAY
from kam.ledger.importing.mapping import LEDGER_FIELDS, LEDGER_REQUIRED, match_columns
from kam.ledger.importing.messages import gettext_noop
from kam.ledger.importing.reading import NO_ROWS, FileRejected, Source, batches, sniff
from kam.ledger.importing.values import (
    AmbiguousDates,
    ColumnError,
    Parsed,
    clean_text,
    date_order,
    decimal_separator,
    has_nul,
    looks_like_formula,
    month_start,
    outside,
    parse_cents,
    parse_dates,
    parse_scaled,
    present,
)
from kam.ledger.models import BatchStatus, ExchangeRate, ImportBatch, ImportKind, LedgerLine
from kam.ledger.signals import ledger_changed
from kam.ledger.store import bulk_load, insert_lines, lock_accounts, refresh_aggregates
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


@dataclass
class RowsResult:
    """What a master-data import did (accounts, contacts, costs): all rows or none."""

    status: str  # imported | rejected | dry_run
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)


def unsafe_cells(column: str, values: pa.Array) -> list[RowError]:
    """An error for each cell of a column that a spreadsheet would run as a formula or that
    holds a NUL character (row numbers count the header as row 1)."""
    formula, nul = looks_like_formula(values), has_nul(values)
    return [
        RowError(
            index + 2,
            column,
            _("contains a NUL character") if nul[index] else _("looks like a spreadsheet formula"),
            str(values[index]).replace("\x00", "\\0"),
        )
        for index in np.flatnonzero(formula | nul).tolist()
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
        text = self._texts(table, columns, offset, bad)

        codes = _required_column(text["account_code"])
        missing_code = ~present(codes)
        if missing_code.any():
            self.error(np.flatnonzero(missing_code), "account_code", _("required"), None, offset)
        bad |= missing_code

        raw_dates = _required_column(self._column(table, columns, "date"))
        dates = parse_dates(raw_dates, self.date_order, self.date_format)
        bad |= self._required(
            dates,
            raw_dates,
            "date",
            _("not a date in the form %(format)s") % {"format": self.date_format}
            if self.date_format
            else _("not a date"),
            offset,
        )
        too_far = outside(dates.values, EARLIEST_DAY, LATEST_DAY)
        if too_far.any():
            self.error(
                np.flatnonzero(too_far),
                "date",
                _("outside the years %(first)s–%(last)s")
                % {"first": EARLIEST_DAY.year, "last": LATEST_DAY.year},
                raw_dates,
                offset,
            )
        bad |= too_far
        raw_amounts = _required_column(self._column(table, columns, "amount"))
        amounts = parse_cents(raw_amounts, self.separators.get("amount", "."))
        bad |= self._required(amounts, raw_amounts, "amount", _("not an amount"), offset)

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
                    _("not a three-letter currency code"),
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
                _("no exchange rate for this currency and month"),
                currencies,
                offset,
            )
        bad |= no_rate

        account_ids = self._account_ids(codes, text["account_name"], bad, offset)
        if self.error_count:
            return  # keep validating the rest of the file, but insert nothing more
        self._insert(
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

    def _texts(
        self, table: pa.Table, columns: dict[str, int], offset: int, bad: np.ndarray
    ) -> dict[str, pa.Array | None]:
        """The text columns, trimmed; NUL characters, formulas and over-long cells are
        errors (marked in `bad`)."""
        text: dict[str, pa.Array | None] = {}
        for name, limit in TEXT_LIMITS.items():
            column = self._column(table, columns, name)
            text[name] = column
            if column is None:
                continue
            nul = has_nul(column)
            if nul.any():
                self.error(np.flatnonzero(nul), name, _("contains a NUL character"), None, offset)
            formula = looks_like_formula(column) & ~nul
            if formula.any():
                self.error(
                    np.flatnonzero(formula),
                    name,
                    _("looks like a spreadsheet formula; kam does not import formulas"),
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
                    _("longer than %(limit)s characters") % {"limit": limit},
                    column,
                    offset,
                )
            bad |= nul | formula | too_long
        return text

    def _required(
        self, parsed: Parsed, raw: pa.Array, name: str, reason: str, offset: int
    ) -> np.ndarray:
        empty = ~present(raw)
        if empty.any():
            self.error(np.flatnonzero(empty), name, _("required"), None, offset)
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
            self.error(np.flatnonzero(parsed.invalid), name, _("not a number"), raw, offset)
        bad |= parsed.invalid
        return parsed.values

    def _convert(
        self,
        currencies: pa.Array | None,
        months: pa.Array,
        amounts: pa.Array,
        cost: pa.Array | None,
        bad: np.ndarray,
    ) -> tuple[pa.Array, pa.Array | None, np.ndarray]:
        """Amounts to base-currency cents at the month's rate, half to even (DOMAIN §2).

        Lines in the base currency stay as they are; only foreign ones are converted, one by
        one in exact decimals.
        """
        no_rate = np.zeros(len(amounts), dtype=bool)
        if currencies is None:
            return amounts, cost, no_rate
        foreign = np.flatnonzero(
            np.asarray(
                pc.fill_null(pc.not_equal(currencies, self.base), False).to_numpy(
                    zero_copy_only=False
                ),
                dtype=bool,
            )
            & ~bad
        )
        if not len(foreign):
            return amounts, cost, no_rate
        amount_list = amounts.to_pylist()
        cost_list = cost.to_pylist() if cost is not None else None
        month_list = months.to_pylist()
        currency_list = currencies.to_pylist()
        for index in foreign.tolist():
            rate = self.rates.get((currency_list[index], month_list[index]))
            if rate is None:
                no_rate[index] = True
                continue
            amount_list[index] = _convert_cents(amount_list[index], rate)
            if cost_list is not None:
                cost_list[index] = _convert_cents(cost_list[index], rate)
        return (
            pa.array(amount_list, pa.int64()),
            None if cost_list is None else pa.array(cost_list, pa.int64()),
            no_rate,
        )

    def _account_ids(
        self, codes: pa.Array, names: pa.Array | None, bad: np.ndarray, offset: int
    ) -> np.ndarray:
        """Account id per row; -1 where the code is unknown and cannot be created.

        Codes are looked up once per distinct code (a block has thousands of rows per code).
        """
        encoded = pc.dictionary_encode(pc.if_else(pa.array(bad), None, codes))
        distinct: list[str] = encoded.dictionary.to_pylist()  # nulls are in the indices
        indices = np.asarray(
            pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        found = np.array(
            [self.accounts.get(code.casefold(), -1) for code in distinct] + [-1], dtype=np.int64
        )
        ids = found[indices]  # index -1 (no code, or a bad row) picks the trailing -1
        missing = np.flatnonzero(found[:-1] == -1)
        if not len(missing):
            return ids
        if not self.create_accounts:
            self.error(
                np.flatnonzero((ids == -1) & (indices >= 0)),
                "account_code",
                _("unknown customer code (accounts are not created by this import)"),
                codes,
                offset,
            )
            return ids
        if self.error_count:
            return ids  # nothing is written once the file is known to be bad
        unknown: dict[str, tuple[str, str]] = {}  # casefolded code → (code, name)
        name_list = names.to_pylist() if names is not None else None
        for index in np.flatnonzero(np.isin(indices, missing)).tolist():
            code = distinct[int(indices[index])]
            key = code.casefold()
            name = (name_list[index] if name_list else None) or ""
            if key not in unknown:
                unknown[key] = (code, name)  # the code as first written
            elif name and not unknown[key][1]:
                unknown[key] = (unknown[key][0], name)  # the first name given
        self._create_accounts(list(unknown.values()))
        found = np.array(
            [self.accounts.get(code.casefold(), -1) for code in distinct] + [-1], dtype=np.int64
        )
        return found[indices]

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
        text: dict[str, pa.Array | None],
        dates: Parsed,
        months: pa.Array,
        amounts: Parsed,
        base_amounts: pa.Array,
        base_costs: pa.Array | None,
        quantity: pa.Array | None,
        currencies: pa.Array | None,
        account_ids: np.ndarray,
    ) -> None:
        n = len(account_ids)

        def strings(name: str) -> pa.Array:
            column = text.get(name)
            return pa.repeat("", n) if column is None else pc.fill_null(column, "")

        lines = pa.table(
            {
                "account_id": pa.array(account_ids, pa.int64()),
                "batch_id": pa.repeat(self.batch.pk, n),
                "date": dates.values,
                "month": months,
                "document": strings("document"),
                "line": strings("line"),
                "product": strings("product"),
                "category": strings("category"),
                "quantity": decimal_units(quantity, 4, n),
                "amount_cents": base_amounts,
                "cost_cents": pa.nulls(n, pa.int64()) if base_costs is None else base_costs,
                "currency": pa.repeat(self.base, n) if currencies is None else currencies,
                "original_amount_cents": amounts.values,
            }
        )
        self.lines_offered += n
        self.lines_added += insert_lines(lines)
        self.touched.update(np.unique(account_ids).tolist())
        month_values = [m for m in (pc.min(months).as_py(), pc.max(months).as_py()) if m]
        if month_values:
            self.first_month = min(
                [*month_values, *([self.first_month] if self.first_month else [])]
            )
            self.last_month = max([*month_values, *([self.last_month] if self.last_month else [])])


def decimal_units(units: pa.Array | None, scale: int, n: int) -> pa.Array:
    """Integer units of 10**-scale (as parse_scaled gives them) as exact decimal128 values."""
    kind = pa.decimal128(18, scale)
    if units is None:
        return pa.nulls(n, kind)
    values = np.asarray(pc.fill_null(units, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    # decimal128 is a little-endian 128-bit integer: the value, then its sign extension.
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = values >> 63
    exact = pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(words)])
    if units.null_count == 0:
        return exact
    return pc.if_else(pc.is_valid(units), exact, pa.scalar(None, kind))


def _required_column(column: pa.Array | None) -> pa.Array:
    if column is None:  # match_columns guarantees the required ones
        raise FileRejected(gettext_noop("a required column is missing"))
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
            message=_("this file is already imported as batch %(batch)s") % {"batch": holder.pk},
        )
    source = sniff(path, delimiter=delimiter, encoding=encoding)
    columns = dict(match_columns(source.header, LEDGER_FIELDS, LEDGER_REQUIRED, mapping).columns)
    result = ImportResult("imported", name)
    with bulk_load(), transaction.atomic():
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
            raise FileRejected(gettext_noop("date: %(reason)s"), reason=error) from error
        result.rows_read = loader.rows_read
        result.errors, result.error_count = loader.errors, loader.error_count
        if loader.rows_read == 0:
            raise FileRejected(NO_ROWS)
        if loader.error_count:
            result.status = "rejected"
            result.message = _("%(count)s bad value(s); nothing was imported") % {
                "count": loader.error_count
            }
            transaction.set_rollback(True)
            return result
        _finish(loader, batch, result)
        if dry_run:
            result.status, result.batch_id = "dry_run", None
            transaction.set_rollback(True)
    return result


def _finish(loader: _LedgerLoader, batch: ImportBatch, result: ImportResult) -> None:
    if lock_accounts(loader.touched) != len(loader.touched):
        raise FileRejected(
            gettext_noop(
                "an account this file refers to was deleted during the import; import it again"
            )
        )
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
    result.message = _(
        "%(added)s line(s) added, %(skipped)s already present, %(created)s account(s) created"
    ) % {
        "added": result.lines_added,
        "skipped": result.lines_skipped,
        "created": len(loader.created),
    }


def _prospects_with_revenue_become_customers(account_ids: set[int], actor: User | None) -> None:
    """A prospect that buys is a customer (docs/rules.md)."""
    buyers = sorted(
        set(
            Account.objects.filter(status=AccountStatus.PROSPECT)
            .annotate(revenue=Sum("monthly_aggregates__revenue_cents"))
            .filter(revenue__gt=0)
            .values_list("pk", flat=True)
        )
        & account_ids
    )
    # One UPDATE per chunk of keys (bulk_update would write a CASE per row), then history.
    for start in range(0, len(buyers), 5000):
        Account.objects.filter(pk__in=buyers[start : start + 5000]).update(
            status=AccountStatus.CUSTOMER
        )
    history_copy(Account, buyers, user_id=actor.pk if actor else None)


@transaction.atomic
def batch_undo(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Remove an import's lines; aggregates follow (director or admin)."""
    require_governing(actor, _("undo an import"))
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.UNDONE:
        raise Conflict(_("This import is already undone."), field="batch")
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
        writer.writerow([_("Row"), _("Column"), _("Problem"), _("Value")])
        for error in sorted(errors, key=lambda e: (e.row, e.column)):
            writer.writerow([error.row, error.column, error.reason, spreadsheet_safe(error.value)])
    return path
