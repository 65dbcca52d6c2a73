"""The ledger's bulk paths: SQLite executemany in the open transaction, PostgreSQL COPY.

Lines arrive as an Arrow table and go to the store without a Python object per value where
the store allows it: PostgreSQL reads Arrow's CSV through COPY; SQLite binds plain ints and
strings (no per-value adapters). Only fixed SQL with placeholders lives here; no text from
input is ever part of a query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, transaction

LINE_COLUMNS = (
    "account_id",
    "batch_id",
    "date",
    "month",
    "document",
    "line",
    "product",
    "category",
    "quantity",
    "amount_cents",
    "cost_cents",
    "currency",
    "original_amount_cents",
)
LINE_SCHEMA = pa.schema(
    [
        ("account_id", pa.int64()),
        ("batch_id", pa.int64()),
        ("date", pa.date32()),
        ("month", pa.date32()),
        ("document", pa.string()),
        ("line", pa.string()),
        ("product", pa.string()),
        ("category", pa.string()),
        ("quantity", pa.decimal128(18, 4)),
        ("amount_cents", pa.int64()),
        ("cost_cents", pa.int64()),
        ("currency", pa.string()),
        ("original_amount_cents", pa.int64()),
    ]
)
_COLUMNS = ", ".join(LINE_COLUMNS)
# A line whose (document, line) is already in the ledger is skipped, not an error (§ import).
_INSERT = (
    f"INSERT INTO ledger_ledgerline ({_COLUMNS}) "  # noqa: S608
    f"VALUES ({', '.join(['?'] * len(LINE_COLUMNS))}) ON CONFLICT DO NOTHING"
)
_STAGING = "ledger_line_staging"
IN_CHUNK = 500
# Rows bound per executemany call: their Python values exist only one slice at a time.
SQLITE_SLICE = 50_000
# SQLite's page cache during a bulk load (KiB; the default 2 MB spills index pages to disk).
SQLITE_BULK_CACHE_KIB = 65_536


@contextmanager
def bulk_load() -> Iterator[None]:
    """A larger SQLite page cache for the duration of a bulk load (no-op on PostgreSQL)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def lock_accounts(account_ids: Collection[int]) -> int:
    """Hold the accounts a load refers to until commit; returns how many still exist.

    The check a foreign key would make per row, in one statement per chunk: an account being
    deleted meanwhile either waits for this import (and its cascade then sees the new lines)
    or is missing here, and the import stops. SQLite needs no lock: its import transaction
    already excludes every other writer.
    """
    ids = sorted(set(account_ids))
    found = 0
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM accounts_account WHERE id IN ({marks}){lock}",  # noqa: S608
                chunk,
            )
            found += len(cursor.fetchall())
    return found


def insert_lines(lines: pa.Table) -> int:
    """Insert ledger lines (LINE_SCHEMA); returns how many were new."""
    if not lines.num_rows:
        return 0
    lines = lines.select(list(LINE_COLUMNS)).cast(LINE_SCHEMA)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return _copy_lines(lines)
    return _sqlite_lines(lines)


def _sqlite_values(column: pa.ChunkedArray) -> list[Any]:
    """Plain Python values as Django would store them (dates as ISO text, decimals as REAL)."""
    if pa.types.is_date32(column.type):
        column = column.cast(pa.string())
    elif pa.types.is_decimal(column.type):
        column = column.cast(pa.float64())
    return column.to_pylist()


def _sqlite_lines(lines: pa.Table) -> int:
    raw = connection.connection  # the open transaction's own sqlite3 connection
    added = 0
    for start in range(0, lines.num_rows, SQLITE_SLICE):
        part = lines.slice(start, SQLITE_SLICE)
        rows = zip(*(_sqlite_values(column) for column in part.columns), strict=True)
        added += int(raw.executemany(_INSERT, rows).rowcount)
    return added


def _copy_lines(lines: pa.Table) -> int:
    # Arrow writes the CSV (strings quoted, NULL unquoted and empty); COPY parses it.
    text = pa.BufferOutputStream()
    pacsv.write_csv(lines, text, pacsv.WriteOptions(include_header=False))
    data = memoryview(text.getvalue())
    from psycopg.errors import UniqueViolation

    with connection.cursor() as cursor:
        # Usually every line is new: COPY straight into the ledger (a third faster than going
        # through a staging table). A line already present breaks the unique key; the
        # savepoint then undoes the attempt and the staging path skips what is there.
        try:
            with (
                transaction.atomic(),
                cursor.cursor.copy(
                    f"COPY ledger_ledgerline ({_COLUMNS}) FROM STDIN (FORMAT csv)"
                ) as copy,
            ):
                copy.write(data)
            return lines.num_rows
        except UniqueViolation:
            pass
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {_COLUMNS} FROM ledger_ledgerline WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {_STAGING} ({_COLUMNS}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(data)
        cursor.execute(
            f"INSERT INTO ledger_ledgerline ({_COLUMNS}) "  # noqa: S608
            f"SELECT {_COLUMNS} FROM {_STAGING} ON CONFLICT DO NOTHING"
        )
        added = int(cursor.rowcount)
        cursor.execute(f"TRUNCATE {_STAGING}")
    return added


_AGGREGATE_SELECT = """
SELECT account_id, month, category, SUM(amount_cents),
       COALESCE(SUM(cost_cents), 0),
       COALESCE(SUM(CASE WHEN cost_cents IS NOT NULL THEN amount_cents END), 0),
       COUNT(*),
       COUNT(DISTINCT CASE WHEN document <> '' THEN document END)
         + SUM(CASE WHEN document = '' THEN 1 ELSE 0 END)
FROM ledger_ledgerline
WHERE month BETWEEN %s AND %s {accounts}
GROUP BY account_id, month, category
"""
_AGGREGATE_INSERT = (
    "INSERT INTO ledger_monthlyaggregate (account_id, month, category, revenue_cents, "
    "cost_cents, costed_revenue_cents, lines, orders) "
)


def refresh_aggregates(
    account_ids: Iterable[int],
    first_month: dt.date,
    last_month: dt.date,
    *,
    all_accounts: bool = False,
) -> None:
    """Recompute account × month × category totals from the lines, exactly."""
    with connection.cursor() as cursor:
        if all_accounts:
            cursor.execute(
                "DELETE FROM ledger_monthlyaggregate WHERE month BETWEEN %s AND %s",
                [first_month, last_month],
            )
            cursor.execute(
                _AGGREGATE_INSERT + _AGGREGATE_SELECT.format(accounts=""), [first_month, last_month]
            )
            return
        ids = sorted(set(account_ids))
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "DELETE FROM ledger_monthlyaggregate WHERE month BETWEEN %s AND %s "  # noqa: S608
                f"AND account_id IN ({marks})",
                [first_month, last_month, *chunk],
            )
            cursor.execute(
                _AGGREGATE_INSERT
                + _AGGREGATE_SELECT.format(accounts=f"AND account_id IN ({marks})"),
                [first_month, last_month, *chunk],
            )


def accounts_with_revenue(account_ids: Collection[int]) -> set[int]:
    """The accounts among these whose whole ledger holds positive net revenue."""
    query = "SELECT account_id FROM ledger_monthlyaggregate {where} GROUP BY account_id "
    query += "HAVING SUM(revenue_cents) > 0"
    found: set[int] = set()
    with connection.cursor() as cursor:
        if len(account_ids) > 2000:  # most of the ledger: one pass beats many lookups
            cursor.execute(query.format(where=""))
            return {row[0] for row in cursor.fetchall()} & set(account_ids)
        ids = sorted(account_ids)
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(query.format(where=f"WHERE account_id IN ({marks})"), chunk)
            found.update(row[0] for row in cursor.fetchall())
    return found
