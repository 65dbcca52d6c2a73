"""The ledger's bulk paths: SQLite executemany in the open transaction, PostgreSQL COPY.

Only fixed SQL with placeholders lives here; no text from input is ever part of a query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

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
_COLUMNS = ", ".join(LINE_COLUMNS)
_PLACEHOLDERS = ", ".join(["%s"] * len(LINE_COLUMNS))
# A line whose (document, line) is already in the ledger is skipped, not an error (§ import).
_INSERT = (
    f"INSERT INTO ledger_ledgerline ({_COLUMNS}) VALUES ({_PLACEHOLDERS}) "  # noqa: S608
    "ON CONFLICT DO NOTHING"
)
_STAGING = "ledger_line_staging"
IN_CHUNK = 500


def insert_lines(rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert rows (in LINE_COLUMNS order); returns how many were new."""
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy_lines(cursor, rows)
        cursor.executemany(_INSERT, rows)
        return int(cursor.rowcount)


def _copy_lines(cursor: Any, rows: Sequence[tuple[Any, ...]]) -> int:
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} ON COMMIT DROP AS "  # noqa: S608
        f"SELECT {_COLUMNS} FROM ledger_ledgerline WITH NO DATA"
    )
    with cursor.cursor.copy(f"COPY {_STAGING} ({_COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
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
