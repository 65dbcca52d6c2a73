"""The ledger loader: every row of a file validated in column batches and staged in bulk
while the file is clean (DOMAIN §2). No per-row ORM work: a block has thousands of rows per
code.

The loader writes nothing to the ledger or the accounts: its lines go to a `LineStage`
(kam.ledger.store) and customers new to kam get placeholder ids, so reading, validating and
staging a large file hold no write lock; the import's merge creates the prospects and moves
the stage into the ledger in one short transaction (kam.ledger.services.imports). The time
of each step is kept in `timings` for the import's profile."""

from __future__ import annotations

import datetime as dt
import time
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_writable_by
from kam.accounts.services import imports_create_accounts
from kam.core.months import EARLIEST_DAY, LATEST_DAY
from kam.core.validators import outside_calendar_message
from kam.importing.messages import gettext_noop, translated
from kam.importing.reading import FileRejected, Source, batches
from kam.importing.results import TOTAL_ROW, ProgressCallback, RowError
from kam.importing.values import (
    AmbiguousDates,
    Parsed,
    date_order,
    decimal_separator,
    has_hidden_characters,
    has_nul,
    hidden_character,
    hidden_character_message,
    looks_like_formula,
    month_start,
    outside,
    parse_cents,
    parse_dates,
    parse_scaled,
    present,
    reveal,
    text_column,
    total_rows,
)
from kam.ledger.models import ExchangeRate
from kam.ledger.store import LineStage
from kam.org.models import User
from kam.org.selectors import base_currency

TEXT_LIMITS = {
    "document": 64,
    "line": 32,
    "product": 100,
    "category": 100,
    "account_code": 64,
    "account_name": 200,
}
MAX_REPORTED_ERRORS = 1_000_000
UNKNOWN_CODE = gettext_noop("unknown customer code (accounts are not created by this import)")


class LedgerLoader:
    """One import: validates every row, stages it while the file is clean, remembers
    errors, and the customers to create (code → placeholder id) when the file is merged."""

    def __init__(
        self,
        *,
        actor: User | None,
        source: Source,
        stage: LineStage,
        create_accounts: bool,
        date_format: str | None,
        progress: ProgressCallback | None,
        skip_total_rows: bool = False,
    ) -> None:
        self.actor = actor
        self.source = source
        self.stage = stage
        # Only who sees every code creates prospects: another's unknown code is refused like
        # a hidden one, so the rows never tell the two apart (docs/rules.md, §13).
        self.create_accounts = create_accounts and imports_create_accounts(actor)
        self.date_format = date_format
        self.progress = progress
        self.skip_total_rows = skip_total_rows
        self.total_rows_skipped: list[int] = []  # row numbers (the header is row 1)
        self.base = base_currency()
        # The accounts this import may write to: a user's are those they may write (§13);
        # a system import (no user: an export run by cron) writes to any.
        writable = Account.objects.all() if actor is None else accounts_writable_by(actor)
        self.accounts = {code.casefold(): pk for code, pk in writable.values_list("code", "id")}
        self.rates = {
            (currency, month): rate
            for currency, month, rate in ExchangeRate.objects.values_list(
                "currency", "month", "rate"
            )
        }
        # New customers, (code as first written, name) by placeholder id (negative).
        self.new_accounts: dict[int, tuple[str, str]] = {}
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_read = 0
        self.lines_offered = 0
        self.timings = {"read": 0.0, "validate": 0.0, "stage": 0.0}
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
        tables = iter(batches(self.source))
        while True:
            started = time.perf_counter()
            table = next(tables, None)
            self.timings["read"] += time.perf_counter() - started
            if table is None:
                break
            self._load_around_totals(table, columns, offset)
            offset += table.num_rows
            self.rows_read += table.num_rows
            if self.progress:
                self.progress(self.rows_read)

    def _load_around_totals(self, table: pa.Table, columns: dict[str, int], offset: int) -> None:
        """Load the rows of `table` other than its total rows, which are skipped (when asked)
        or rejected naming the word that makes them one (docs/rules.md, the ledger import)."""
        totals = total_rows(table)
        start = 0
        for row, column, word in zip(
            totals.rows.tolist(), totals.columns, totals.words, strict=True
        ):
            if row > start:
                self._load(table.slice(start, row - start), columns, offset + start)
            start = row + 1
            if self.skip_total_rows:
                self.total_rows_skipped.append(offset + row)
                continue
            self.error_count += 1
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(
                    RowError(
                        offset + row,
                        self.source.header[column],
                        translated(TOTAL_ROW, {"word": word}),
                        word,
                    )
                )
        if start < table.num_rows:
            self._load(table.slice(start), columns, offset + start)

    def _column(self, table: pa.Table, columns: dict[str, int], name: str) -> pa.Array | None:
        """The field's text, or None when the file has no such column (its default applies)."""
        return text_column(table, columns, name) if name in columns else None

    def _decide_formats(self, table: pa.Table, columns: dict[str, int]) -> None:
        for name in ("amount", "cost", "quantity"):
            column = self._column(table, columns, name)
            if column is not None:
                self.separators[name] = decimal_separator(column, self.source.delimiter, name)
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
        started = time.perf_counter()
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
                outside_calendar_message(),
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
        self.timings["validate"] += time.perf_counter() - started
        if self.error_count:
            return  # keep validating the rest of the file, but stage nothing more
        started = time.perf_counter()
        self._stage(
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
        self.timings["stage"] += time.perf_counter() - started

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
            # Every ledger text names something (a document, a product, a customer).
            hidden = has_hidden_characters(column) & ~nul & ~formula
            if hidden.any():
                self._hidden(column, np.flatnonzero(hidden), name, offset)
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
            bad |= nul | formula | hidden | too_long
        return text

    def _hidden(self, column: pa.Array, rows: np.ndarray, name: str, offset: int) -> None:
        """An error per cell holding an invisible or control character, naming the character."""
        self.error_count += len(rows)
        room = max(MAX_REPORTED_ERRORS - len(self.errors), 0)
        for index in rows[:room].tolist():
            cell = str(column[index])
            reason = hidden_character_message(hidden_character(cell) or "")
            self.errors.append(RowError(offset + index, name, reason, reveal(cell)[:200]))

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
        """Account id per row; -1 where the code is unknown and cannot be created, or is an
        account the actor may not write (both the same row error, §13).

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
            # Another's account reads as an unknown code: the summary never says it exists.
            self.error(
                np.flatnonzero(np.isin(indices, missing)),
                "account_code",
                translated(UNKNOWN_CODE),
                codes,
                offset,
            )
            return ids
        if self.error_count:
            return ids  # nothing is staged once the file is known to be bad
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
        self._placeholders(list(unknown.values()))
        found = np.array(
            [self.accounts.get(code.casefold(), -1) for code in distinct] + [-1], dtype=np.int64
        )
        return found[indices]

    def _placeholders(self, new: list[tuple[str, str]]) -> None:
        """Unknown customers get a placeholder id until the merge creates them as prospect
        accounts (listed in the summary)."""
        for code, name in new:
            placeholder = -2 - len(self.new_accounts)  # -1 already means no account
            self.accounts[code.casefold()] = placeholder
            self.new_accounts[placeholder] = (code, name)

    def _stage(
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
        self.stage.add(lines)
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
