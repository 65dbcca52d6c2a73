"""A write that meets the store's write lock: recognised, and answered 503 with Retry-After.

On SQLite one writer at a time holds the database; an import holds it only for its merge
(kam.ledger.services.imports), and a web request waits for it up to its busy timeout
(`KAM_WEB_BUSY_TIMEOUT_MS`, shorter than the worker's, so a page answers within seconds). A
write still locked out then is answered "busy, try again" instead of a server error: the
pages through kam.web.middleware, the API through its exception handler. `database_busy` is
the one rule for "another writer holds the lock": the background worker waits and retries on
the same errors (kam.core.workers.retry_when_busy) that a page answers 503 for.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _

# Seconds a client is asked to wait before trying again (an import's merge takes a few).
RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = _("kam is busy finishing an import; try again in a few seconds.")
# SQLite's words for a write lock held by another connection; PostgreSQL's lock timeout.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_POSTGRES_LOCK_NOT_AVAILABLE = "55P03"


def database_busy(error: BaseException) -> bool:
    """Whether `error` says another writer holds the lock (not a broken database)."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) == _POSTGRES_LOCK_NOT_AVAILABLE:
        return True
    return any(words in str(error).lower() for words in _SQLITE_BUSY)


def use_busy_timeout(milliseconds: int, databases: Iterable[BaseDatabaseWrapper] = ()) -> None:
    """Connections this process opens from now on (to `databases`, by default every one
    configured) wait up to `milliseconds` for the SQLite write lock (the web server's
    shorter wait; no-op on PostgreSQL)."""
    for database in databases or [connections[alias] for alias in connections]:
        if database.vendor != "sqlite":
            continue
        options = database.settings_dict.setdefault("OPTIONS", {})
        commands = [
            command
            for command in str(options.get("init_command", "")).split(";")
            if command.strip() and "busy_timeout" not in command
        ]
        options["init_command"] = ";".join([*commands, f" PRAGMA busy_timeout={milliseconds}"])
        database.close()  # an open connection keeps the wait it was opened with
