"""What the ledger benchmarks share: the generated ledger and accounts files, a fresh kam home
with those accounts, scratch PostgreSQL databases, and the import's logged profile.

bench/import_ledger.py (kam against the store's floor) and bench/write_during_import.py
(writes while an import runs) measure the same file on the same kind of kam home; keeping its
making here means the two always measure the same thing.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

KAM = str(Path(sys.executable).with_name("kam"))
COLUMNS = ("customer", "date", "amount", "document", "line", "category", "cost")
# The director the benchmarks import and write as.
USER, PASSWORD = "bench", "bench-password-1"
PROFILE = re.compile(r"ledger import profile \(s\): (.*)")
STEPS = ("read", "validate", "stage", "merge", "aggregates")


def make_csv(path: Path, lines: int, accounts: int, seed: int = 1) -> None:
    """An N-line ledger for accounts K0…K{M-1}: three lines a document, 2% credit notes."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 3 * 365, lines)
    dates = (np.datetime64("2023-11-01") + days.astype("timedelta64[D]")).astype(str)
    amount = np.round(rng.lognormal(8, 1.2, lines) * np.where(rng.random(lines) < 0.02, -1, 1), 2)
    table = pa.table(
        {
            "customer": pa.array(np.char.add("K", rng.integers(0, accounts, lines).astype(str))),
            "date": pa.array(dates),
            "amount": pa.array([f"{v:.2f}" for v in amount]),
            "document": pa.array(np.char.add("D", (np.arange(lines) // 3).astype(str))),
            "line": pa.array(np.arange(lines) % 3 + 1),
            "category": pa.array(
                np.array(["Pumps", "Valves", "Motors", "Drives"])[rng.integers(0, 4, lines)]
            ),
            "cost": pa.array([f"{v:.2f}" for v in amount * 0.7]),
        }
    )
    pacsv.write_csv(table, path)


def accounts_csv(path: Path, accounts: int) -> None:
    path.write_text("code,name\n" + "".join(f"K{i},Customer {i}\n" for i in range(accounts)))


def make_files(work: Path, lines: int, accounts: int) -> tuple[Path, Path]:
    """The ledger and accounts files under `work`. The ledger is made in a child process: a
    forked child's peak RSS counts the parent's pages until it execs, so the parent must not
    hold the generated arrays when kam's memory is measured."""
    ledger, accounts_file = work / "ledger.csv", work / "accounts.csv"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); from benchkit import make_csv;"
            " from pathlib import Path; make_csv(Path(sys.argv[2]), int(sys.argv[3]),"
            " int(sys.argv[4]))",
            str(Path(__file__).resolve().parent),
            str(ledger),
            str(lines),
            str(accounts),
        ],
        check=True,
    )
    accounts_csv(accounts_file, accounts)
    return ledger, accounts_file


def kam(env: dict[str, str], *args: str) -> str:
    """Run a kam command; its standard output."""
    return subprocess.run([KAM, *args], env=env, check=True, capture_output=True, text=True).stdout


def prepare(home: Path, database_url: str, accounts: Path, *, demo: bool = False) -> dict[str, str]:
    """A fresh kam home on `database_url` with the ledger's accounts and the bench director
    (and the demo company, with `demo`); the environment that points kam at it."""
    home.mkdir()
    env = {
        **os.environ,
        "KAM_HOME": str(home),
        "KAM_DATABASE_URL": database_url,
        "KAM_HTTPS": "0",
        "KAM_LOG_LEVEL": "WARNING",
    }
    kam(env, "migrate", "-v", "0")
    if demo:
        kam(env, "demo", "--quiet-logins")
    kam(env, "user", "add", USER, "--role", "director", "--password", PASSWORD)
    kam(env, "import", "accounts", str(accounts), "--user", USER)
    return env


@contextmanager
def scratch_databases(server: str, names: list[str]) -> Iterator[list[str]]:
    """PostgreSQL databases `names` on `server` (postgres://user@host:port) for the run, then
    dropped; their URLs."""
    created: list[str] = []
    try:
        for name in names:
            psql(f"{server}/postgres", f"CREATE DATABASE {name}")
            created.append(name)
        yield [f"{server}/{name}" for name in names]
    finally:
        for name in created:
            psql(f"{server}/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def psql(url: str, command: str) -> None:
    subprocess.run(["psql", url, "-q", "-c", command], check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def import_profile(log: Path) -> dict[str, float]:
    """The per-step seconds the import logs (kam.ledger.services.imports, at debug)."""
    found = PROFILE.findall(log.read_text())
    if not found:
        sys.exit(f"the import logged no profile:\n{log.read_text()[-3000:]}")
    pairs = (item.split() for item in found[-1].split(", "))
    return {f"step_{step}": float(seconds) for step, seconds in pairs}
