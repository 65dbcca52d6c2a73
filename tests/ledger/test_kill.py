"""A ledger import killed midway leaves the database exactly as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

KAM = str(Path(sys.executable).with_name("kam"))
COUNT = (
    "from kam.ledger.models import *; from kam.accounts.models import Account; "
    "print(LedgerLine.objects.count(), ImportBatch.objects.count(), "
    "Account.objects.count())"
)


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database of the suite's own kind, outside the test transaction."""
    env = {**os.environ, "KAM_HOME": str(tmp_path), "KAM_DATABASE_URL": ""}
    database = settings.DATABASES["default"]
    name = f"kam_kill_{uuid.uuid4().hex[:8]}"
    if database["ENGINE"].endswith("postgresql"):
        host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
        user = database["USER"] or "postgres"
        admin = f"host={host} port={port} user={user} dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        env["KAM_DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"
    subprocess.run([KAM, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    yield env
    if env["KAM_DATABASE_URL"]:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_killing_an_import_midway_leaves_nothing_behind(tmp_path: Path, scratch_database) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("customer,date,amount,document,line\n")
        for index in range(600_000):
            handle.write(
                f"K{index % 5000},2026-{index % 12 + 1:02d}-15,{index % 997}.25,D{index},1\n"
            )
    importing = subprocess.Popen(  # noqa: S603 - our own console script
        [KAM, "import", "ledger", str(path)],
        env=scratch_database,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(2.5)
    importing.send_signal(signal.SIGKILL)
    importing.wait(timeout=30)

    counts = subprocess.run(  # noqa: S603 - our own console script
        [KAM, "shell", "--no-imports", "-c", COUNT],
        env=scratch_database,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert importing.returncode == -signal.SIGKILL, "the import finished before the kill"
    assert counts == ["0", "0", "0"]
