"""A ledger import killed midway leaves the database exactly as before."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

KAM = str(Path(sys.executable).with_name("kam"))
COUNT = (
    "from kam.ledger.models import *; from kam.accounts.models import Account; "
    "print(LedgerLine.objects.count(), ImportBatch.objects.count(), "
    "Account.objects.count())"
)
ROWS = 600_000
# The CLI's progress bar reads "rows done/rows expected"; rich draws it on a pipe when told to.
PROGRESS = re.compile(rb"(\d+)/" + str(ROWS).encode())
SHOW_PROGRESS = {"TTY_INTERACTIVE": "1", "TTY_COMPATIBLE": "1"}
PROGRESS_TIMEOUT = 120.0


def watch_progress(stream: io.BufferedReader, midway: threading.Event) -> None:
    """Set `midway` once the import reports some rows stored but not all of them."""
    for chunk in iter(lambda: stream.read1(4096), b""):
        done = [int(rows) for rows in PROGRESS.findall(chunk)]
        if any(0 < rows < ROWS for rows in done):
            midway.set()


@pytest.mark.slow
def test_killing_an_import_midway_leaves_nothing_behind(tmp_path: Path, scratch_database) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("customer,date,amount,document,line\n")
        for index in range(ROWS):
            handle.write(
                f"K{index % 5000},2026-{index % 12 + 1:02d}-15,{index % 997}.25,D{index},1\n"
            )
    importing = subprocess.Popen(  # noqa: S603 - our own console script
        [KAM, "import", "ledger", str(path)],
        env={**scratch_database, **SHOW_PROGRESS},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    midway = threading.Event()
    assert importing.stderr is not None
    watcher = threading.Thread(target=watch_progress, args=(importing.stderr, midway), daemon=True)
    watcher.start()
    reached = midway.wait(timeout=PROGRESS_TIMEOUT)
    importing.send_signal(signal.SIGKILL)
    importing.wait(timeout=30)
    watcher.join(timeout=30)

    assert reached, f"the import reported no rows stored within {PROGRESS_TIMEOUT:.0f} s"
    counts = subprocess.run(  # noqa: S603 - our own console script
        [KAM, "shell", "--no-imports", "-c", COUNT],
        env=scratch_database,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert importing.returncode == -signal.SIGKILL, "the import finished before the kill"
    assert counts == ["0", "0", "0"]
