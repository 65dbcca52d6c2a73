"""KAM_HOME and the files holding secrets are created private to kam's user."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

KAM = str(Path(sys.executable).with_name("kam"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_home_its_secret_key_and_its_sqlite_files_are_private(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    env = {**os.environ, "KAM_HOME": str(home), "KAM_DATABASE_URL": ""}
    env.pop("KAM_SECRET_KEY", None)
    # A umask that would leave new files readable by everyone.
    subprocess.run(  # noqa: S603 - our own console script
        [KAM, "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
        preexec_fn=lambda: os.umask(0o022),
    )
    database = home / "kam.sqlite3"

    # The -wal and -shm files live while a connection is open; SQLite gives them the
    # database file's mode.
    with sqlite3.connect(database) as open_connection:
        open_connection.execute("PRAGMA journal_mode=WAL")
        open_connection.execute("CREATE TABLE probe (x)")
        wal, shm = Path(f"{database}-wal"), Path(f"{database}-shm")

        assert _mode(wal) == 0o600
        assert _mode(shm) == 0o600
    open_connection.close()
    assert _mode(home) == 0o700
    assert _mode(home / "secret_key") == 0o600
    assert _mode(database) == 0o600
