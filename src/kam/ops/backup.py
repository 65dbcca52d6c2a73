"""`kam backup` and `kam restore`: the whole database in one file, with what it needs to be used.

A backup is a tar file holding `kam-backup.json` (the manifest: format, kam version, store,
applied migrations, the row count of every table, the database member's SHA-256, when it was
made) and the database itself: an SQLite copy made with SQLite's online backup API (one step,
so one consistent snapshot even while the server and the worker write), or a `pg_dump
--format=custom` archive taken in the same snapshot as the row counts. Not included, by
choice: the secret key (whoever holds a backup should not be able to sign sessions; without
it users only sign in again — API tokens are hashed without it) and files uploaded for import
jobs (each is deleted when its job ends). See docs/operations.md.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _

import kam

BACKUP_FORMAT = "kam-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "kam-backup.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
PG_BINARIES = Path("/usr/lib/postgresql")
SQLITE_FULL = 13


class BackupRefused(Exception):
    """A backup or a restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupWritten:
    path: Path
    store: str
    tables: int
    rows: int
    size: int


@dataclass(frozen=True)
class Restored:
    store: str
    tables: int
    rows: int
    kam_version: str
    created_at: str
    pending_migrations: list[str]


def backup_write(path: Path, *, overwrite: bool = False) -> BackupWritten:
    """Write a backup of the configured database to `path` (a new file, private: 0600).

    Raises BackupRefused when `path` exists (unless `overwrite`), its directory is missing,
    or the PostgreSQL client is missing or fails."""
    store = _store()
    if path.is_dir():
        path = path / f"kam-{timezone_now():%Y%m%d-%H%M%S}.kam-backup"
    if path.exists() and not overwrite:
        raise BackupRefused(
            _("%(path)s exists; name a new file, or pass --force to replace it") % {"path": path}
        )
    if not path.parent.is_dir():
        raise BackupRefused(_("%(path)s: no such directory") % {"path": path.parent})
    member = DATABASE_MEMBERS[store]
    # The work files sit beside the backup: a full disk shows there, not in /tmp.
    with (
        _disk_named(path.parent),
        tempfile.TemporaryDirectory(dir=path.parent, prefix=".kam-backup-") as work,
    ):
        database = Path(work) / member
        if store == "sqlite":
            counts, migrations = _sqlite_copy(database)
        else:
            counts, migrations = _postgresql_dump(database)
        manifest = {
            "format": BACKUP_FORMAT,
            "format_version": FORMAT_VERSION,
            "kam_version": kam.__version__,
            "store": store,
            "created_at": timezone_now().isoformat(),
            "migrations": migrations,
            "tables": counts,
            "database": {"member": member, "sha256": _sha256(database)},
            "not_included": ["secret key", "upload files of import jobs"],
        }
        partial = Path(work) / "backup.tar"
        # A copy of every customer's figures: readable by kam's user only.
        with (
            os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out,
            tarfile.open(fileobj=out, mode="w:gz" if store == "sqlite" else "w") as archive,
        ):
            _add_bytes(archive, MANIFEST_NAME, json.dumps(manifest, indent=2).encode())
            archive.add(database, arcname=member)
        # Renamed whole into place: an interrupted backup leaves no half file under `path`.
        partial.replace(path)
    return BackupWritten(path, store, len(counts), sum(counts.values()), path.stat().st_size)


def restore(path: Path, *, force: bool = False) -> Restored:
    """Replace the configured (empty, unless `force`) database with the backup at `path`,
    then check every table's row count against the manifest and the migrations against
    this kam.

    Raises BackupRefused for a file that is not a kam backup, a backup of the other store,
    made by a newer kam, damaged, or a database that holds tables without `force`."""
    store = _store()
    with _opened(path) as archive:
        manifest = _manifest(archive, path)
        if manifest["store"] != store:
            raise BackupRefused(
                _("%(path)s is a backup of a %(backup)s database; this kam uses %(store)s")
                % {"path": path, "backup": manifest["store"], "store": store}
            )
        _refuse_newer_migrations(manifest)
        if connection.introspection.table_names() and not force:
            raise BackupRefused(
                _(
                    "the database already holds kam tables; restore into a new, empty "
                    "database, or pass --force to replace everything in it"
                )
            )
        with (
            _disk_named(_work_dir()),
            tempfile.TemporaryDirectory(dir=_work_dir(), prefix=".kam-restore-") as work,
        ):
            database = _extract(archive, manifest, Path(work), path)
            if store == "sqlite":
                _sqlite_restore(database)
            else:
                _postgresql_restore(database)
    _check_counts(manifest["tables"])
    return Restored(
        store=store,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        kam_version=manifest["kam_version"],
        created_at=manifest["created_at"],
        pending_migrations=_pending_migrations(),
    )


def table_counts() -> dict[str, int]:
    """Row count of every table of the configured database, by table name."""
    with connection.cursor() as cursor:
        return {name: _count(cursor, name) for name in sorted(_tables())}


def _store() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupRefused(_("kam cannot back up a %(vendor)s database") % {"vendor": vendor})
    return vendor


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return [
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.type == "t"
        ]


def _count(cursor: Any, table: str) -> int:
    # Table names come from the database's own catalogue, quoted; never from input.
    cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
    return int(cursor.fetchone()[0])


def _applied(cursor: Any) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _sqlite_copy(target: Path) -> tuple[dict[str, int], list[str]]:
    """Copy the live database with SQLite's online backup API, in one step (one snapshot)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        try:
            connection.connection.backup(copy)
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF != SQLITE_FULL:
                raise
            # SQLite names no file: the disk is the backup's, not the store's (_disk_named).
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from error
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {name: _count(copy.cursor(), name) for name in sorted(names)}
        applied = _applied(copy.cursor()) if "django_migrations" in counts else []
    finally:
        copy.close()
    return counts, applied


def _postgresql_dump(target: Path) -> tuple[dict[str, int], list[str]]:
    """pg_dump in the snapshot the row counts were read in: the manifest matches the dump."""
    pg_dump = pg_client("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = table_counts()
        applied = _applied(cursor) if "django_migrations" in counts else []
        _run_pg(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            _("pg_dump failed"),
        )
    return counts, applied


def _sqlite_restore(database: Path) -> None:
    source = sqlite3.connect(database)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused(_("the database in the backup is damaged"))
        connection.ensure_connection()
        # The backup API replaces the whole database in one step, through kam's own
        # connection, so the -wal file stays consistent with the new content.
        source.backup(connection.connection)
    finally:
        source.close()


def _postgresql_restore(dump: Path) -> None:
    pg_restore = pg_client("pg_restore")
    connection.close()
    _run_pg(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            # All or nothing: a failed restore leaves the database as it was.
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        _("pg_restore failed"),
    )


def _run_pg(command: list[str], failure: str) -> None:
    """Run a PostgreSQL client with kam's connection settings (the password in the
    environment, not on the command line)."""
    database = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for variable, key in (("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"), ("PGHOST", "HOST")):
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("PORT"):
        env["PGPORT"] = str(database["PORT"])
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    done = subprocess.run(  # noqa: S603 - a PostgreSQL client found by pg_client, no shell
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupRefused(f"{failure}: {done.stderr.strip()}")


def pg_client(name: str) -> str:
    """The PostgreSQL client program `name`: on PATH, else the newest Debian/Ubuntu install
    (/usr/lib/postgresql/VERSION/bin). Raises BackupRefused when there is none."""
    if found := shutil.which(name):
        return found
    installed = sorted(
        PG_BINARIES.glob(f"*/bin/{name}"),
        key=lambda tool: int(tool.parts[-3]) if tool.parts[-3].isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    raise BackupRefused(
        _(
            "%(tool)s not found: install the PostgreSQL client programs (Debian: apt install "
            "postgresql-client) or put %(tool)s on PATH"
        )
        % {"tool": name}
    )


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise BackupRefused(_("%(path)s: no such file") % {"path": path})
    try:
        with tarfile.open(path, mode="r:*") as archive:
            yield archive
    except (tarfile.TarError, EOFError) as error:
        raise BackupRefused(_not_a_backup(path)) from error


def _manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST_NAME)
        manifest = json.load(member) if member else None
    except (KeyError, ValueError, tarfile.TarError, EOFError) as error:
        raise BackupRefused(_not_a_backup(path)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise BackupRefused(_not_a_backup(path))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            _("%(path)s is a kam backup of format %(version)s; this kam reads format %(ours)s")
            % {"path": path, "version": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    return manifest


def _not_a_backup(path: Path) -> str:
    return _("%(path)s is not a kam backup (made by kam backup)") % {"path": path}


def _refuse_newer_migrations(manifest: dict[str, Any]) -> None:
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupRefused(
            _(
                "the backup was made by kam %(version)s with migrations this kam does not "
                "have (%(migrations)s): restore it with that version or a newer one"
            )
            % {"version": manifest["kam_version"], "migrations": ", ".join(unknown[:5])}
        )


def _extract(archive: tarfile.TarFile, manifest: dict[str, Any], work: Path, path: Path) -> Path:
    """The database member, written to `work` and checked against the manifest's SHA-256."""
    name = manifest["database"]["member"]
    if name not in DATABASE_MEMBERS.values():
        raise BackupRefused(_not_a_backup(path))
    try:
        source = archive.extractfile(name)
    except KeyError as error:
        raise BackupRefused(_not_a_backup(path)) from error
    if source is None:
        raise BackupRefused(_not_a_backup(path))
    target = work / name
    try:
        with source, target.open("wb") as out:
            shutil.copyfileobj(source, out, length=1024 * 1024)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupRefused(_("%(path)s is damaged or cut short") % {"path": path}) from error
    if _sha256(target) != manifest["database"]["sha256"]:
        raise BackupRefused(_("%(path)s is damaged: its database does not match") % {"path": path})
    return target


def _check_counts(expected: dict[str, int]) -> None:
    found = table_counts()
    wrong = sorted(name for name, rows in expected.items() if found.get(name) != rows)
    if wrong:
        raise BackupRefused(
            _("restored, but these tables do not hold the rows the backup counted: %(tables)s")
            % {"tables": ", ".join(wrong)}
        )


def _pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _work_dir() -> Path:
    """Where restore unpacks: beside the SQLite file (same disk), else the temporary dir."""
    if connection.vendor == "sqlite":
        return Path(str(settings.DATABASES["default"]["NAME"])).parent
    return Path(tempfile.gettempdir())


@contextlib.contextmanager
def _disk_named(where: Path) -> Iterator[None]:
    """A full disk met while writing an open file names no path: name `where`, so that kam's
    entry point tells the operator which disk to free."""
    try:
        yield
    except OSError as error:
        if error.filename is None and error.errno in {errno.ENOSPC, errno.EDQUOT}:
            raise OSError(error.errno, error.strerror, str(where)) from error
        raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone_now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))
