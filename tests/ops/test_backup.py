"""`kam backup` and `kam restore`: a backup restored into a fresh home holds every row, and
restore refuses what is not a kam backup or would overwrite data without --force."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kam import __version__
from kam.ops import backup
from kam.ops.backup import BackupRefused, pg_client
from kam.org.models import User
from tests.conftest import create_migrated_store, postgres_admin, postgres_url

KAM = str(Path(sys.executable).with_name("kam"))


# The store under test: the suite runs once on SQLite and once on PostgreSQL.
@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[Callable[..., dict[str, str]]]:
    """Environments for `kam` on a fresh home and a fresh database of the store under test
    (a new PostgreSQL database, dropped after the test): empty, or `migrated` as `kam
    migrate` leaves it."""
    created: list[str] = []

    def make(name: str, *, migrated: bool = False) -> dict[str, str]:
        env = {**os.environ, "KAM_HOME": str(tmp_path / name), "KAM_HTTPS": "false"}
        if connection.vendor == "sqlite":
            env["KAM_DATABASE_URL"] = ""
        else:
            database = f"kam_backup_{uuid.uuid4().hex[:10]}_{name}"
            created.append(database)
            env["KAM_DATABASE_URL"] = postgres_url(database)
            if not migrated:
                postgres_admin(f'CREATE DATABASE "{database}"')
        if migrated:
            create_migrated_store(env)
        return env

    yield make
    for database in created:
        postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _kam(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script
        [KAM, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _tables(env: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, read with the store's own driver
    (not with kam's code under test)."""
    if env["KAM_DATABASE_URL"] == "":
        with sqlite3.connect(Path(env["KAM_HOME"]) / "kam.sqlite3") as db:
            names = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {name: _digest(db.execute(_select_all(name)).fetchall()) for name in names}
    import psycopg

    with psycopg.connect(env["KAM_DATABASE_URL"]) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        return {name: _digest(db.execute(_select_all(name)).fetchall()) for name in names}


def _select_all(table: str) -> str:
    return f'SELECT * FROM "{table}"'  # noqa: S608 - names from the store's own catalogue


def _digest(rows: list[Any]) -> tuple[int, str]:
    digest = hashlib.sha256()
    for line in sorted(repr(tuple(row)) for row in rows):
        digest.update(line.encode())
    return len(rows), digest.hexdigest()


@pytest.mark.slow
@pytest.mark.django_db
def test_a_backup_restored_into_a_fresh_home_holds_every_row(
    tmp_path: Path, fresh_store: Callable[..., dict[str, str]]
) -> None:
    source, target = fresh_store("source", migrated=True), fresh_store("target")
    loaded = _kam(source, "demo", "--accounts", "12", "--years", "1", "--quiet-logins")
    assert loaded.returncode == 0, loaded.stderr
    backup_file = tmp_path / "kam.kam-backup"

    backed_up = _kam(source, "backup", str(backup_file))
    restored = _kam(target, "restore", str(backup_file))

    assert backed_up.returncode == 0, backed_up.stderr
    assert restored.returncode == 0, restored.stderr
    assert "The migrations match this kam." in restored.stdout
    before, after = _tables(source), _tables(target)
    assert after == before
    assert before["ledger_ledgerline"][0] > 1000  # the demo's sales history came along
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    # Sequences came along too: the restored store takes new rows.
    added = _kam(target, "user", "add", "newcomer", "--role", "sales", "--password", "pw-12345")
    assert added.returncode == 0, added.stderr
    # Restored again over it, with --force: the database is the backup's again, whole.
    refused = _kam(target, "restore", str(backup_file))
    forced = _kam(target, "restore", str(backup_file), "--force")
    assert refused.returncode == 2
    assert forced.returncode == 0, forced.stderr
    assert _tables(target) == before


def _connect(env: dict[str, str]) -> Any:
    """A connection of the store's own driver, outside kam, in autocommit-off mode."""
    if env["KAM_DATABASE_URL"] == "":
        return sqlite3.connect(Path(env["KAM_HOME"]) / "kam.sqlite3", isolation_level="DEFERRED")
    import psycopg

    return psycopg.connect(env["KAM_DATABASE_URL"])


@pytest.mark.slow
@pytest.mark.django_db
def test_a_backup_taken_while_another_writer_holds_a_transaction_has_only_committed_rows(
    tmp_path: Path, fresh_store: Callable[..., dict[str, str]]
) -> None:
    source, target = fresh_store("source", migrated=True), fresh_store("target")
    assert (
        _kam(source, "user", "add", "ana", "--role", "sales", "--password", "pw-1").returncode == 0
    )
    writer = _connect(source)
    # A server's write in flight: changed, not committed, its lock held during the backup.
    writer.execute("UPDATE org_user SET first_name = 'uncommitted' WHERE username = 'ana'")
    try:
        backed_up = _kam(source, "backup", str(tmp_path / "kam.kam-backup"))
    finally:
        writer.rollback()
        writer.close()

    restored = _kam(target, "restore", str(tmp_path / "kam.kam-backup"))

    assert backed_up.returncode == 0, backed_up.stderr
    assert restored.returncode == 0, restored.stderr
    assert _tables(target) == _tables(source)
    reader = _connect(target)
    first_name = reader.execute("SELECT first_name FROM org_user WHERE username = 'ana'")
    assert first_name.fetchone()[0] != "uncommitted"
    reader.close()


@pytest.mark.slow
@pytest.mark.django_db
def test_restoring_a_backup_of_an_older_schema_says_to_migrate(
    tmp_path: Path, fresh_store: Callable[..., dict[str, str]]
) -> None:
    source, target = fresh_store("source", migrated=True), fresh_store("target")
    older = _connect(source)
    # As an older kam left it: its last migration not yet applied (the one applied last
    # is a leaf: whatever depends on a migration is applied after it).
    older.execute(
        "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
    )
    older.commit()
    older.close()
    assert _kam(source, "backup", str(tmp_path / "old.kam-backup")).returncode == 0

    restored = _kam(target, "restore", str(tmp_path / "old.kam-backup"))

    assert restored.returncode == 0, restored.stderr
    assert "Migrations of this kam not applied yet: 1; run kam migrate." in restored.stdout
    assert _kam(target, "migrate", "--check").returncode != 0


def _fake_backup(path: Path, **changes: Any) -> Path:
    """A file shaped like a kam backup of the store under test, with `changes` to its
    manifest; the database member is not a database (refusals come before it is read)."""
    store = connection.vendor
    member = backup.DATABASE_MEMBERS[store]
    payload = b"not really a database"
    manifest = {
        "format": backup.BACKUP_FORMAT,
        "format_version": backup.FORMAT_VERSION,
        "kam_version": __version__,
        "store": store,
        "created_at": "2026-01-01T00:00:00+00:00",
        "migrations": ["org.0001_initial"],
        "tables": {"org_user": 1},
        "database": {"member": member, "sha256": hashlib.sha256(payload).hexdigest()},
        **changes,
    }
    with tarfile.open(path, "w") as archive:
        for name, data in (
            (backup.MANIFEST_NAME, json.dumps(manifest).encode()),
            (member, payload),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=io.StringIO())
    assert raised.value.returncode == 2
    return str(raised.value)


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_kam_backup(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    other_tar = tmp_path / "other.tar"
    with tarfile.open(other_tar, "w") as archive:
        archive.add(text, arcname="notes.txt")

    assert "is not a kam backup" in _refused("restore", str(text))
    assert "is not a kam backup" in _refused("restore", str(other_tar))
    assert "is not a kam backup" in _refused(
        "restore", str(_fake_backup(tmp_path / "b", format="other"))
    )
    assert "no such file" in _refused("restore", str(tmp_path / "missing"))


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_tables_without_force(
    tmp_path: Path, manager: User
) -> None:
    message = _refused("restore", str(_fake_backup(tmp_path / "b")))

    assert "already holds kam tables" in message
    assert User.objects.filter(pk=manager.pk).exists()


@pytest.mark.django_db
def test_restore_refuses_a_damaged_backup_before_touching_the_database(
    tmp_path: Path, manager: User
) -> None:
    damaged = _fake_backup(tmp_path / "b", database={"member": "database.sqlite3", "sha256": "0"})
    if connection.vendor == "postgresql":
        damaged = _fake_backup(
            tmp_path / "b", database={"member": "database.pgdump", "sha256": "0"}
        )

    message = _refused("restore", str(damaged), "--force")

    assert "is damaged" in message
    assert User.objects.filter(pk=manager.pk).exists()


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_store(tmp_path: Path) -> None:
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    message = _refused("restore", str(_fake_backup(tmp_path / "b", store=other)), "--force")

    assert f"is a backup of a {other} database" in message


@pytest.mark.django_db
def test_restore_refuses_a_backup_made_by_a_newer_kam(tmp_path: Path) -> None:
    newer = _fake_backup(tmp_path / "b", kam_version="9.0", migrations=["org.9999_future"])

    message = _refused("restore", str(newer), "--force")

    assert "kam 9.0" in message
    assert "org.9999_future" in message


@pytest.mark.django_db
def test_restore_refuses_another_format_version(tmp_path: Path) -> None:
    message = _refused("restore", str(_fake_backup(tmp_path / "b", format_version=2)), "--force")

    assert "of format 2" in message


def test_backup_refuses_to_overwrite_a_file_without_force(tmp_path: Path) -> None:
    existing = tmp_path / "kam.kam-backup"
    existing.write_text("an older backup")

    message = _refused("backup", str(existing))

    assert "exists" in message
    assert existing.read_text() == "an older backup"


def test_a_missing_postgresql_client_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup, "PG_BINARIES", tmp_path)

    with pytest.raises(BackupRefused) as refused:
        pg_client("pg_dump")

    assert "pg_dump not found" in str(refused.value)
    assert "postgresql-client" in str(refused.value)


def test_the_postgresql_client_is_found_off_path_in_the_newest_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for version in ("9", "15", "13"):
        tool = tmp_path / version / "bin" / "pg_dump"
        tool.parent.mkdir(parents=True)
        tool.touch()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(backup, "PG_BINARIES", tmp_path)

    assert pg_client("pg_dump") == str(tmp_path / "15" / "bin" / "pg_dump")


@pytest.mark.parametrize("name", ["backup", "restore"])
def test_the_backup_commands_explain_themselves_in_the_users_language(name: str) -> None:
    # Given the shape both commands share (kam.ops.commands): PATH, --force, help in gettext
    from django.core.management import load_command_class
    from django.utils import translation

    command = load_command_class("kam.ops", name)

    # When their help is asked for in Chinese
    with translation.override("zh-hans"):
        parser = command.create_parser("kam", name)
        helps = {action.dest: action.help or "" for action in parser._actions}
    described = [parser.description or "", helps["path"], helps["force"]]

    # Then the description and both arguments' help are Chinese
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in described), described
