"""Read a transaction log (customer, date, optional amount) or a state history (customer,
period, state) from any file kam reads — CSV in any encoding and delimiter, XLSX, Parquet —
for the repeat-buying and migration models (`kam model …`, DOMAIN §10).

Dates may carry a time of day (`2014-03-08 00:00:00`, `2014-03-08T09:30`): the day counts.
Every bad cell is reported with its row and column, up to a few, and nothing is computed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from kam.importing.messages import ImportMessage, gettext_noop
from kam.importing.reading import FileRejected, batches, sniff
from kam.importing.values import clean_text, decimal_separator, parse_dates, parse_scaled

# A time of day after the date, with T or spaces, seconds and fractions optional.
TIME_OF_DAY = r"[T ]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
SHOWN_ERRORS = 5
EPOCH = dt.date(1970, 1, 1)


class TransactionsRejected(ImportMessage):
    """The file cannot be used; the message names the column and rows."""


@dataclass(frozen=True)
class Transactions:
    names: list[str]  # customer names in order of first appearance
    customer: npt.NDArray[np.int64]  # index into names, one per row
    day: npt.NDArray[np.int64]  # days since 1970-01-01
    amount: npt.NDArray[np.float64] | None


@dataclass(frozen=True)
class StateHistory:
    names: list[str]
    customer: npt.NDArray[np.int64]
    period: list[str]  # the period's text as written (sorted as text: 2024-01 < 2024-02)
    state: list[str]


def _column(header: tuple[str, ...], name: str) -> int:
    folded = [cell.strip().lstrip("\ufeff").casefold() for cell in header]
    if name.casefold() not in folded:
        raise TransactionsRejected(
            gettext_noop("the file has no column %(column)s (its columns: %(columns)s)"),
            column=name,
            columns=", ".join(cell.strip() for cell in header) or "—",
        )
    return folded.index(name.casefold())


def _rows(where: npt.NDArray[np.bool_]) -> str:
    # Data rows count from 2: row 1 is the header.
    rows = (np.flatnonzero(where)[:SHOWN_ERRORS] + 2).tolist()
    more = int(where.sum()) - len(rows)
    return ", ".join(str(row) for row in rows) + (f" (+{more})" if more > 0 else "")


def _table(path: Path, columns: list[str]) -> tuple[pa.Table, str]:
    if not path.exists():
        raise FileRejected(gettext_noop("no file at %(path)s"), path=str(path))
    source = sniff(path)
    indices = [_column(source.header, name) for name in columns]
    tables = [table.select(indices) for table in batches(source)]
    table = pa.concat_tables(tables) if tables else pa.table({})
    if table.num_rows == 0:
        raise FileRejected(gettext_noop("the file has a header but no rows"))
    return table, source.delimiter


def _names(values: pa.Array, column: str) -> tuple[list[str], npt.NDArray[np.int64]]:
    text = clean_text(values)
    missing = np.asarray(pc.is_null(text).to_numpy(zero_copy_only=False), dtype=bool)
    if missing.any():
        raise TransactionsRejected(
            gettext_noop("column %(column)s is empty on rows %(rows)s"),
            column=column,
            rows=_rows(missing),
        )
    encoded = pc.dictionary_encode(text)
    names = [str(name) for name in encoded.dictionary.to_pylist()]
    return names, np.asarray(encoded.indices.to_numpy(), dtype=np.int64)


def _days(values: pa.Array, column: str) -> npt.NDArray[np.int64]:
    text = pc.replace_substring_regex(clean_text(values), TIME_OF_DAY, "")
    parsed = parse_dates(text)
    bad = np.asarray(parsed.invalid, dtype=bool) | np.asarray(
        pc.is_null(parsed.values).to_numpy(zero_copy_only=False), dtype=bool
    )
    if bad.any():
        first = values[int(np.flatnonzero(bad)[0])].as_py()
        raise TransactionsRejected(
            gettext_noop(
                "column %(column)s holds no date on rows %(rows)s (e.g. %(value)s); write "
                "dates as 2026-03-31"
            ),
            column=column,
            rows=_rows(bad),
            value=repr(first),
        )
    days = pc.cast(parsed.values, pa.int32()).to_numpy(zero_copy_only=False)
    return np.asarray(days, dtype=np.int64)


def _amounts(values: pa.Array, column: str, delimiter: str) -> npt.NDArray[np.float64]:
    text = clean_text(values)
    parsed = parse_scaled(text, decimal_separator(text, delimiter, column), scale=4)
    bad = np.asarray(parsed.invalid, dtype=bool) | np.asarray(
        pc.is_null(parsed.values).to_numpy(zero_copy_only=False), dtype=bool
    )
    if bad.any():
        first = values[int(np.flatnonzero(bad)[0])].as_py()
        raise TransactionsRejected(
            gettext_noop("column %(column)s holds no amount on rows %(rows)s (e.g. %(value)s)"),
            column=column,
            rows=_rows(bad),
            value=repr(first),
        )
    scaled = np.asarray(parsed.values.to_numpy(zero_copy_only=False), dtype=np.float64)
    return scaled / 10_000


def read_transactions(
    path: Path, *, customer: str, date: str, amount: str | None = None
) -> Transactions:
    """The file's transactions; raises FileRejected or TransactionsRejected naming what is
    wrong (a missing column, an empty customer, a cell that is no date or amount)."""
    columns = [customer, date] + ([amount] if amount else [])
    table, delimiter = _table(path, columns)
    names, who = _names(table.column(0).combine_chunks(), customer)
    days = _days(table.column(1).combine_chunks(), date)
    amounts = _amounts(table.column(2).combine_chunks(), amount, delimiter) if amount else None
    return Transactions(names, who, days, amounts)


def read_state_history(path: Path, *, customer: str, period: str, state: str) -> StateHistory:
    """Each customer's state per period (e.g. its class at each month end)."""
    table, _ = _table(path, [customer, period, state])
    names, who = _names(table.column(0).combine_chunks(), customer)
    periods: list[str] = []
    states: list[str] = []
    for column, name, out in ((1, period, periods), (2, state, states)):
        text = clean_text(table.column(column).combine_chunks())
        missing = np.asarray(pc.is_null(text).to_numpy(zero_copy_only=False), dtype=bool)
        if missing.any():
            raise TransactionsRejected(
                gettext_noop("column %(column)s is empty on rows %(rows)s"),
                column=name,
                rows=_rows(missing),
            )
        out.extend(str(value) for value in text.to_pylist())
    return StateHistory(names, who, periods, states)


def day_number(value: dt.date) -> int:
    """A date as the day numbers `read_transactions` gives."""
    return (value - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))
