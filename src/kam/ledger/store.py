"""The ledger's bulk paths: a stage outside the ledger, one short merge, exact aggregates.

An import stages its validated lines in a temporary table of its own connection (SQLite's
temporary database, a file apart from the main one; a PostgreSQL temporary table filled by
COPY) and holds the store's write lock only for the merge: one `INSERT … SELECT` from the
stage into the ledger and the monthly aggregates of what it touched, in one transaction.
Lines arrive as Arrow tables and go to the stage without a Python object per value where the
store allows it: PostgreSQL reads Arrow's CSV through COPY; SQLite binds plain ints and
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
from django.db import DatabaseError, connection, transaction

from kam.ledger.models import visible_batch_sql

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
# The stage holds every ledger column but the batch, which exists only from the merge on.
STAGE_COLUMNS = tuple(name for name in LINE_COLUMNS if name != "batch_id")
STAGE_SCHEMA = pa.schema([LINE_SCHEMA.field(name) for name in STAGE_COLUMNS])
_STAGE_COLUMNS = ", ".join(STAGE_COLUMNS)
_STAGE = "kam_ledger_stage"
_STAGE_ACCOUNTS = "kam_ledger_stage_accounts"
_STAGE_GROUPS = "kam_ledger_stage_groups"  # the stage's account × month × category totals
_STAGE_KNOWN = "kam_ledger_stage_known"  # those of its groups the ledger already has totals for
# SQLite column types of the stage (Django's: dates as ISO text, decimals as REAL).
_SQLITE_STAGE_TYPES = {
    "account_id": "INTEGER",
    "date": "TEXT",
    "month": "TEXT",
    "quantity": "REAL",
    "amount_cents": "INTEGER",
    "cost_cents": "INTEGER",
    "original_amount_cents": "INTEGER",
}
# A line whose (document, line) is already in the ledger is skipped, not an error (§ import);
# of two such lines in one file SQLite keeps the first (the stage is read in the file's order).
# Placeholder account ids (negative) are mapped on the way; `WHERE true` keeps SQLite from
# reading ON CONFLICT as the join's ON.
_MERGE = (
    f"INSERT INTO ledger_ledgerline ({_COLUMNS}) "  # noqa: S608
    "SELECT COALESCE(m.account_id, s.account_id), %s, "
    + ", ".join(f"s.{name}" for name in STAGE_COLUMNS if name != "account_id")
    + f" FROM {{schema}}{_STAGE} s LEFT JOIN {{schema}}{_STAGE_ACCOUNTS} m"
    " ON m.placeholder = s.account_id WHERE true {order} ON CONFLICT DO NOTHING"
)
# SQLite merges the stage in slices of this many lines, each a transaction of its own, so
# that other writers get the write lock between them (bench/README.md: ~0.2 s a slice).
SQLITE_MERGE_SLICE = 40_000
# ... with this pause after each: SQLite's busy handler polls a waiting writer every 100 ms,
# so a merge taking the lock straight back would starve it (bench/README.md).
SQLITE_MERGE_PAUSE = 0.1
# The same slice, on the way out: a failed or abandoned merge deletes its lines in these.
DELETE_SLICE = 25_000
# One slice of the stage, by SQLite's rowid (the file's order); placeholders are kept.
_MERGE_SLICE = (
    f"INSERT INTO ledger_ledgerline ({_COLUMNS}) "  # noqa: S608
    "SELECT s.account_id, %s, "
    + ", ".join(f"s.{name}" for name in STAGE_COLUMNS if name != "account_id")
    + f" FROM {{schema}}{_STAGE} s WHERE s.rowid > %s AND s.rowid <= %s ORDER BY s.rowid"
    " ON CONFLICT DO NOTHING"
)
IN_CHUNK = 500
# Rows bound per executemany call: their Python values exist only one slice at a time.
SQLITE_SLICE = 50_000
# PostgreSQL's session buffers for the stage (a 1M-line stage is ~150 MB).
POSTGRES_TEMP_BUFFERS = "256MB"
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
        cursor.execute(f"PRAGMA temp.cache_size = -{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def lock_accounts(account_ids: Collection[int]) -> int:
    """Hold the accounts a load refers to until commit; returns how many still exist.

    The check a foreign key would make per row, in one statement per chunk: an account being
    deleted meanwhile either waits for this import (and its cascade then sees the new lines)
    or is missing here, and the import stops. SQLite needs no lock: its merge transaction
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


class LineStage:
    """An import's validated lines, held outside the ledger until one short merge.

    The stage is a temporary table of the import's own database connection: on SQLite it
    lives in the connection's temporary database (a file under KAM_STAGING_DIR that SQLite
    deletes itself, even when the process is killed), so filling it takes no lock on the
    main database file and every other writer goes on; on PostgreSQL a temporary table
    filled by COPY, whose rows no other session sees or waits for. Only `merge` writes the
    ledger, inside the caller's transaction. Lines of accounts still to be created carry a
    negative placeholder id until the merge maps it.
    """

    def __init__(self) -> None:
        self.lines = 0
        self.groups = 0  # account × month × category groups, once summarised
        self.sqlite = connection.vendor == "sqlite"
        # Always the temporary schema, so a stage never names a real table.
        self.schema = "temp." if self.sqlite else "pg_temp."
        connection.ensure_connection()
        if not self.sqlite:
            _temp_buffers()
        with connection.cursor() as cursor:
            self._drop(cursor)
            if self.sqlite:
                types = ", ".join(
                    f"{name} {_SQLITE_STAGE_TYPES.get(name, 'TEXT')}" for name in STAGE_COLUMNS
                )
                cursor.execute(f"CREATE TEMP TABLE {_STAGE} ({types})")
            else:
                cursor.execute(
                    f"CREATE TEMP TABLE {_STAGE} AS SELECT {_STAGE_COLUMNS} "  # noqa: S608
                    "FROM ledger_ledgerline WITH NO DATA"
                )
            cursor.execute(
                f"CREATE TEMP TABLE {_STAGE_ACCOUNTS} "
                "(placeholder BIGINT PRIMARY KEY, account_id BIGINT NOT NULL)"
            )

    def add(self, lines: pa.Table) -> None:
        """Stage validated lines (STAGE_SCHEMA columns)."""
        if not lines.num_rows:
            return
        lines = lines.select(list(STAGE_COLUMNS)).cast(STAGE_SCHEMA)
        if self.sqlite:
            self._sqlite_add(lines)
        else:
            self._copy_add(lines)
        self.lines += lines.num_rows

    def _sqlite_add(self, lines: pa.Table) -> None:
        raw = connection.connection
        insert = (
            f"INSERT INTO temp.{_STAGE} ({_STAGE_COLUMNS}) "  # noqa: S608
            f"VALUES ({', '.join(['?'] * len(STAGE_COLUMNS))})"
        )
        # Outside a caller's transaction, a deferred one that writes only the temporary
        # database: the main file's write lock is never taken.
        own = not connection.in_atomic_block
        if own:
            raw.execute("BEGIN DEFERRED")
        try:
            for start in range(0, lines.num_rows, SQLITE_SLICE):
                part = lines.slice(start, SQLITE_SLICE)
                rows = zip(*(_sqlite_values(column) for column in part.columns), strict=True)
                raw.executemany(insert, rows)
        except BaseException:
            if own:
                raw.execute("ROLLBACK")
            raise
        if own:
            raw.execute("COMMIT")

    def _copy_add(self, lines: pa.Table) -> None:
        # Arrow writes the CSV (strings quoted, NULL unquoted and empty); COPY parses it.
        text = pa.BufferOutputStream()
        pacsv.write_csv(lines, text, pacsv.WriteOptions(include_header=False))
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {_STAGE} ({_STAGE_COLUMNS}) FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(memoryview(text.getvalue()))

    def summarise(self) -> None:
        """Total the staged lines by account × month × category, before the merge, so the
        merge only adds those totals (kam.ledger aggregates)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {_STAGE_GROUPS} AS "  # noqa: S608
                f"SELECT account_id, month, category, {_AGGREGATE_FIGURES.format(t='')} "
                f"FROM {self.schema}{_STAGE} GROUP BY account_id, month, category"
            )
            cursor.execute(f"SELECT COUNT(*) FROM {self.schema}{_STAGE_GROUPS}")  # noqa: S608
            self.groups = int(cursor.fetchone()[0])

    def merge(self, *, batch_id: int, placeholders: dict[int, int]) -> int:
        """Move the staged lines into the ledger as batch `batch_id`, placeholder account ids
        replaced by `placeholders`; returns how many lines were new. Call inside the import's
        transaction: this is the only step that writes the ledger."""
        with connection.cursor() as cursor:
            if placeholders:
                cursor.executemany(
                    f"INSERT INTO {self.schema}{_STAGE_ACCOUNTS} "  # noqa: S608
                    "(placeholder, account_id) VALUES (%s, %s)",
                    list(placeholders.items()),
                )
            # PostgreSQL reads a fresh temporary table in the order it was written anyway.
            order = "ORDER BY s.rowid" if self.sqlite else ""
            cursor.execute(_MERGE.format(schema=self.schema, order=order), [batch_id])
            return int(cursor.rowcount)

    def merge_slice(self, *, batch_id: int, after: int, rows: int) -> int:
        """Move staged lines `after` < rowid <= `after + rows` into the ledger as batch
        `batch_id` (SQLite; placeholder ids stay until `place_accounts`); returns how many
        were new. Lines already in the ledger, or in an earlier slice, are skipped."""
        with connection.cursor() as cursor:
            cursor.execute(_MERGE_SLICE.format(schema=self.schema), [batch_id, after, after + rows])
            return int(cursor.rowcount)

    def place_accounts(self, *, batch_id: int, placeholders: dict[int, int]) -> None:
        """Give the merged lines and totals of batch `batch_id` the new accounts' ids for
        their placeholders. Only those rows are read: the indexes by account find them."""
        if not placeholders:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.schema}{_STAGE_ACCOUNTS} "  # noqa: S608
                "(placeholder, account_id) VALUES (%s, %s)",
                list(placeholders.items()),
            )
            mapped = [
                (account, placeholder, batch_id) for placeholder, account in placeholders.items()
            ]
            for table in ("ledger_ledgerline", "ledger_monthlyaggregate"):
                cursor.executemany(
                    f"UPDATE {table} SET account_id = %s "  # noqa: S608
                    "WHERE account_id = %s AND batch_id = %s",
                    mapped,
                )

    def add_aggregates(self) -> None:
        """Bring the monthly aggregates up to date with the merged stage, exactly, when every
        staged line was new (see `merge`): the stage's totals become new groups; a group the
        ledger already had is recomputed from its lines (its orders may share documents with
        the new lines). Call inside the merge's transaction, after `merge`."""
        groups = f"{self.schema}{_STAGE_GROUPS}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {groups} SET account_id = (SELECT m.account_id "  # noqa: S608
                f"FROM {self.schema}{_STAGE_ACCOUNTS} m WHERE m.placeholder = {groups}.account_id) "
                "WHERE account_id < 0"
            )
        self.note_known_groups()
        self.recompute_known_groups()
        with connection.cursor() as cursor:
            cursor.execute(_AGGREGATE_INSERT + _NEW_GROUPS.format(schema=self.schema, slice=""))

    def note_known_groups(self) -> None:
        """Keep aside which of the stage's groups the ledger already has totals for (a new
        customer's placeholder id matches none)."""
        groups = f"{self.schema}{_STAGE_GROUPS}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {_STAGE_KNOWN} AS "  # noqa: S608
                "SELECT a.account_id, a.month, a.category FROM ledger_monthlyaggregate a "
                f"JOIN {groups} g ON g.account_id = a.account_id AND g.month = a.month "
                f"AND g.category = a.category WHERE {visible_batch_sql('a.')}"
            )
            cursor.execute(
                f"CREATE INDEX kam_ledger_stage_known_group ON {_STAGE_KNOWN} "
                "(account_id, month, category)"
            )

    def aggregate_slice(self, *, batch_id: int, after: int, rows: int) -> None:
        """Write the totals of staged groups `after` < rowid <= `after + rows` that the ledger
        had none for, marked as batch `batch_id`'s (SQLite, while it merges): no reader
        counts them until the batch is imported. Placeholder ids stay until
        `place_accounts`."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO ledger_monthlyaggregate ({_AGGREGATE_FIELDS}, batch_id) "
                + _NEW_GROUPS.format(
                    schema=self.schema,
                    slice=", %s",
                )
                + " AND g.rowid > %s AND g.rowid <= %s",
                [batch_id, after, after + rows],
            )

    def recompute_known_groups(self) -> None:
        """Recompute from the lines the groups `note_known_groups` kept aside (inside the
        transaction that makes the merged lines visible). They are found again by account,
        month and category: a recompute meanwhile may have replaced their rows."""
        known = f"{self.schema}{_STAGE_KNOWN}"
        # CROSS JOIN: SQLite then reads the (small) kept groups first and finds their rows by
        # index, rather than reading the whole ledger (1.5 s of 1M lines in the lock).
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {known} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is None:
                return
            cursor.execute(
                "DELETE FROM ledger_monthlyaggregate WHERE id IN "  # noqa: S608
                f"(SELECT a.id FROM {known} k CROSS JOIN ledger_monthlyaggregate a "
                "WHERE a.account_id = k.account_id AND a.month = k.month "
                f"AND a.category = k.category AND {visible_batch_sql('a.')})"
            )
            figures = _AGGREGATE_FIGURES.format(t="l.")
            cursor.execute(
                _AGGREGATE_INSERT + f"SELECT l.account_id, l.month, l.category, {figures} "  # noqa: S608
                f"FROM {known} k CROSS JOIN ledger_ledgerline l WHERE l.account_id = k.account_id "
                f"AND l.month = k.month AND l.category = k.category AND {visible_batch_sql('l.')} "
                "GROUP BY l.account_id, l.month, l.category"
            )

    def _drop(self, cursor: Any) -> None:
        for table in (_STAGE, _STAGE_ACCOUNTS, _STAGE_GROUPS, _STAGE_KNOWN):
            cursor.execute(f"DROP TABLE IF EXISTS {self.schema}{table}")

    def drop(self) -> None:
        """Remove the stage (its rows are in the ledger by now, or nowhere)."""
        if connection.connection is None:
            return  # the connection is gone, and its temporary tables with it
        if connection.needs_rollback:
            return  # a failed transaction drops its own temporary tables
        with connection.cursor() as cursor:
            self._drop(cursor)


def _temp_buffers() -> None:
    """Give the session room to keep the stage in memory (PostgreSQL's temporary tables live
    in the session's own buffers, 8 MB by default). Only possible before the session first
    touches a temporary table; a worker's later imports keep the first size."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET temp_buffers = '{POSTGRES_TEMP_BUFFERS}'")
    except DatabaseError:
        pass


@contextmanager
def line_stage() -> Iterator[LineStage]:
    """A stage for one import's lines, removed when the import ends however it ends."""
    stage = LineStage()
    try:
        yield stage
    finally:
        stage.drop()


def _sqlite_values(column: pa.ChunkedArray) -> list[Any]:
    """Plain Python values as Django would store them (dates as ISO text, decimals as REAL)."""
    if pa.types.is_date32(column.type):
        column = column.cast(pa.string())
    elif pa.types.is_decimal(column.type):
        column = column.cast(pa.float64())
    return column.to_pylist()


# A group's figures from its lines (DOMAIN §2): an order is a document, or a line without one.
_AGGREGATE_FIGURES = """SUM({t}amount_cents) AS revenue_cents,
       COALESCE(SUM({t}cost_cents), 0) AS cost_cents,
       COALESCE(SUM(CASE WHEN {t}cost_cents IS NOT NULL THEN {t}amount_cents END), 0)
         AS costed_revenue_cents,
       COUNT(*) AS lines,
       COUNT(DISTINCT CASE WHEN {t}document <> '' THEN {t}document END)
         + SUM(CASE WHEN {t}document = '' THEN 1 ELSE 0 END) AS orders"""
_AGGREGATE_SELECT = (
    ("SELECT account_id, month, category, " + _AGGREGATE_FIGURES.format(t=""))
    + """
FROM ledger_ledgerline
WHERE month BETWEEN %s AND %s {accounts} AND {visible}
GROUP BY account_id, month, category
"""
)
_AGGREGATE_FIELDS = (
    "account_id, month, category, revenue_cents, cost_cents, costed_revenue_cents, lines, orders"
)
_AGGREGATE_INSERT = f"INSERT INTO ledger_monthlyaggregate ({_AGGREGATE_FIELDS}) "
# The stage's groups the ledger had no totals for ({slice}: the batch column, when slicing).
_NEW_GROUPS = (
    f"SELECT {_AGGREGATE_FIELDS}{{slice}} FROM {{schema}}{_STAGE_GROUPS} g "  # noqa: S608
    f"WHERE NOT EXISTS (SELECT 1 FROM {{schema}}{_STAGE_KNOWN} k "
    "WHERE k.account_id = g.account_id AND k.month = g.month AND k.category = g.category)"
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
                "DELETE FROM ledger_monthlyaggregate WHERE month BETWEEN %s AND %s "  # noqa: S608
                f"AND {visible_batch_sql()}",
                [first_month, last_month],
            )
            cursor.execute(
                _AGGREGATE_INSERT
                + _AGGREGATE_SELECT.format(accounts="", visible=visible_batch_sql()),
                [first_month, last_month],
            )
            return
        ids = sorted(set(account_ids))
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "DELETE FROM ledger_monthlyaggregate WHERE month BETWEEN %s AND %s "  # noqa: S608
                f"AND account_id IN ({marks}) AND {visible_batch_sql()}",
                [first_month, last_month, *chunk],
            )
            cursor.execute(
                _AGGREGATE_INSERT
                + _AGGREGATE_SELECT.format(
                    accounts=f"AND account_id IN ({marks})", visible=visible_batch_sql()
                ),
                [first_month, last_month, *chunk],
            )


def accounts_with_revenue(account_ids: Collection[int]) -> set[int]:
    """The accounts among these whose whole ledger holds positive net revenue."""
    query = "SELECT account_id FROM ledger_monthlyaggregate WHERE {visible} {where} "
    query += "GROUP BY account_id "
    query += "HAVING SUM(revenue_cents) > 0"
    found: set[int] = set()
    with connection.cursor() as cursor:
        if len(account_ids) > 2000:  # most of the ledger: one pass beats many lookups
            cursor.execute(query.format(visible=visible_batch_sql(), where=""))
            return {row[0] for row in cursor.fetchall()} & set(account_ids)
        ids = sorted(account_ids)
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            where = f"AND account_id IN ({marks})"
            cursor.execute(query.format(visible=visible_batch_sql(), where=where), chunk)
            found.update(row[0] for row in cursor.fetchall())
    return found


def batch_rows_delete(batch_id: int) -> int:
    """Delete the lines and the totals written ahead by batch `batch_id`, a slice per
    transaction (so that other writers go on meanwhile); returns how many lines. For a batch
    no reader sees (one still merging)."""
    deleted = 0
    for table in ("ledger_ledgerline", "ledger_monthlyaggregate"):
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN "  # noqa: S608
                    f"(SELECT id FROM {table} WHERE batch_id = %s LIMIT %s)",
                    [batch_id, DELETE_SLICE],
                )
                count = int(cursor.rowcount)
            if table == "ledger_ledgerline":
                deleted += count
            if count < DELETE_SLICE:
                break
    return deleted
