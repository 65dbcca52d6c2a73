"""Recognising a write that met another writer's lock (kam.core.busy)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.db import OperationalError, connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from kam.core.busy import database_busy, use_busy_timeout


def sqlite_wrapper(path: Path, milliseconds: int) -> DatabaseWrapper:
    """A Django SQLite connection to `path` configured as kam's (IMMEDIATE transactions)."""
    settings = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={milliseconds}",
            "transaction_mode": "IMMEDIATE",
        },
    }
    return DatabaseWrapper(settings, alias="busy-probe")


def test_a_write_locked_out_of_a_sqlite_file_reads_as_busy(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    # Given a SQLite file whose write lock another connection holds
    path = tmp_path / "kam.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    wrapper = sqlite_wrapper(path, 100)

    # When kam's connection tries to write after a short wait
    raised: BaseException | None = None
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cursor:
                wrapper.set_autocommit(False)
                cursor.execute("INSERT INTO t VALUES (1)")
        except OperationalError as error:
            raised = error
        finally:
            wrapper.close()
    holder.execute("ROLLBACK")
    holder.close()

    # Then the error is the busy kind
    assert raised is not None
    assert database_busy(raised)


def test_other_database_errors_are_not_busy() -> None:
    assert not database_busy(OperationalError("no such table: accounts_account"))
    assert not database_busy(ValueError("database is locked"))


def test_use_busy_timeout_replaces_the_wait_of_new_connections(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    # Given a connection configured with a long wait
    wrapper = sqlite_wrapper(tmp_path / "kam.sqlite3", 10000)

    # When the web server shortens it
    use_busy_timeout(1500, [wrapper])
    with django_db_blocker.unblock(), wrapper.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        wait = cursor.fetchone()[0]
    wrapper.close()

    # Then a new connection waits that long, and keeps its other settings
    assert wait == 1500
    assert "journal_mode=WAL" in wrapper.settings_dict["OPTIONS"]["init_command"]
