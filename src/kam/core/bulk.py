"""Bulk insertion through the store's own fast path: SQLite executemany, PostgreSQL COPY.

Table and column names come from model metadata, never from input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone


def bulk_insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain tuples (in `columns` order) into the model's table, in the open transaction."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))  # noqa: S608


HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type")


def history_copy(
    model: type[Model],
    pks: Sequence[int],
    *,
    user_id: int | None,
    history_type: str = "~",
    chunk: int = 5000,
) -> None:
    """Record the rows' current state in the model's history table, in the store itself.

    The same rows `bulk_history_create` writes, as one INSERT … SELECT per chunk of keys:
    nothing passes through Python per row (10,000 accounts took 1.7 s through the ORM).
    """
    history = model.history.model  # type: ignore[attr-defined]
    tracked = [
        field.column
        for field in history._meta.concrete_fields
        if field.column not in HISTORY_FIELDS and field.column != "history_user_id"
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in tracked)
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({names}, history_date, "  # noqa: S608
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {names}, %s, NULL, %s, %s FROM {quote(model._meta.db_table)} WHERE "
    )
    moment = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(pks), chunk):
            part = list(pks[start : start + chunk])
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                insert + f"{quote(str(model._meta.pk.column))} IN ({marks})",
                [moment, history_type, user_id, *part],
            )


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys for rows the caller inserts itself (bulk_insert returns
    none), in the open transaction: the sequence's next values on PostgreSQL; on SQLite,
    whose write lock the transaction holds (IMMEDIATE), the ones after the highest ever
    given, so a deleted row's key (and its history) is never reused."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = str(model._meta.pk.column)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        given = cursor.fetchone()
        start = max(highest, given[0] if given else 0) + 1
    return list(range(start, start + count))


# Fields whose Python value the drivers take as it is; the others go through Django's own
# conversion (dates on SQLite become text). get_db_prep_save on every value of 20,000 rows
# took longer than the whole rest of an import.
PLAIN_FIELDS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _adapters(fields: Sequence[Any]) -> list[Callable[[Any], Any]]:
    adapters: list[Callable[[Any], Any]] = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "ForeignKey" and field.target_field.get_internal_type() not in PLAIN_FIELDS:
            kind = "other"
        if kind in PLAIN_FIELDS:
            adapters.append(_same)
        elif kind == "DateField":
            adapters.append(connection.ops.adapt_datefield_value)
        elif kind == "DateTimeField":
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif kind == "JSONField":
            # The store's own JSON adapter, without the field's checks on every value.
            adapters.append(partial(connection.ops.adapt_json_value, encoder=field.encoder))
        else:
            adapters.append(partial(_prepared, field))
    return adapters


def _same(value: Any) -> Any:
    return value


def _prepared(field: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def insert_objects(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert model instances that already hold their primary key (`reserve_ids`) through
    `bulk_insert`: every concrete field as the store keeps it, no query per batch of rows."""
    fields = list(model._meta.concrete_fields)
    stamped = [field for field in fields if getattr(field, "auto_now_add", False)]
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, add=True)  # sets "created" to now, as save() would
    pairs = list(zip([field.attname for field in fields], _adapters(fields), strict=True))
    rows = ([adapt(getattr(obj, name)) for name, adapt in pairs] for obj in objs)
    bulk_insert(model, [str(field.column) for field in fields], rows)


def update_objects(model: type[Model], objs: Sequence[Model], names: Sequence[str]) -> None:
    """Write the fields `names` of saved instances in one prepared UPDATE run for all of them
    (executemany), in the open transaction: Django's bulk_update builds a CASE per field and
    row, which takes minutes for 20,000 rows."""
    if not objs:
        return
    concrete = {field.name: field for field in model._meta.concrete_fields}
    fields = [concrete[name] for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    pk = model._meta.pk
    statement = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(str(pk.column))} = %s"
    )
    pairs = list(zip([field.attname for field in fields], _adapters(fields), strict=True))
    rows = [[*(adapt(getattr(obj, name)) for name, adapt in pairs), obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def insert_values(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain tuples of field values (`names` are field names, the primary key among
    them from `reserve_ids`) through `bulk_insert`, each value converted as the store keeps
    it: no model instance per row."""
    concrete = {field.name: field for field in model._meta.concrete_fields}
    fields = [concrete[name] for name in names]
    adapters = _adapters(fields)
    bulk_insert(
        model,
        [str(field.column) for field in fields],
        ([adapt(value) for adapt, value in zip(adapters, row, strict=True)] for row in rows),
    )


def update_values(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write the fields `names` of existing rows, each given as its values in `names` order
    followed by its primary key, in one prepared UPDATE run for all of them (executemany),
    in the open transaction."""
    concrete = {field.name: field for field in model._meta.concrete_fields}
    fields = [concrete[name] for name in names]
    adapters = _adapters(fields)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    statement = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(str(model._meta.pk.column))} = %s"
    )
    values = [
        [*(adapt(value) for adapt, value in zip(adapters, row[:-1], strict=True)), row[-1]]
        for row in rows
    ]
    if not values:
        return
    with connection.cursor() as cursor:
        cursor.executemany(statement, values)
