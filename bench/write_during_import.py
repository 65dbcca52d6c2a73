"""Benchmark page and API writes while a large ledger import runs.

Starts a real `kam serve` (gunicorn) on a temporary KAM_HOME with the demo company and the
10,000 accounts the generated ledger names, then, in the same run:
- a baseline: writes with nothing else running;
- `kam import ledger FILE` of an N-line file (bench/import_ledger.py's generator) while the
  same writes go on: every `--every` seconds, on a schedule that does not wait for answers
  (each write in its own thread, as independent users would), one API write (PATCH an
  account's legal name with a token) and one page write (a note posted through the account
  page's form, with a session and its CSRF token).
Records each write's latency and status, and the import's duration and per-step profile;
prints Markdown tables.

    .venv/bin/python bench/write_during_import.py [--lines 1000000] [--stores sqlite,postgresql]
        [--every 0.5] [--pg postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import (
    KAM,
    PASSWORD,
    STEPS,
    USER,
    free_port,
    import_profile,
    kam,
    make_files,
    prepare,
    scratch_databases,
)


@dataclass
class Write:
    kind: str  # api | page
    phase: str  # baseline | import
    seconds: float
    status: int


class Writer:
    """One director writing through the API (token) and a page (session + CSRF)."""

    def __init__(self, base: str, token: str, account_id: int) -> None:
        self.base, self.account_id = base, account_id
        self.api = {"Authorization": f"Bearer {token}"}
        self.page = requests.Session()
        login = self.page.get(f"{base}/login/", timeout=30)
        answer = self.page.post(
            f"{base}/login/",
            data={
                "username": USER,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.page.cookies["csrftoken"],
            },
            headers={"Referer": login.url},
            timeout=30,
        )
        if "sessionid" not in self.page.cookies:
            sys.exit(f"could not sign in: {answer.status_code}")
        self.records: list[Write] = []
        self.lock = threading.Lock()
        self.count = 0

    def _record(self, kind: str, phase: str, call: object) -> None:
        started = time.perf_counter()
        try:
            status = call()  # type: ignore[operator]
        except requests.RequestException:
            status = 0
        with self.lock:
            self.records.append(Write(kind, phase, time.perf_counter() - started, status))

    def api_write(self, phase: str) -> None:
        self.count += 1
        body = {"legal_name": f"Bench legal name {self.count}"}
        url = f"{self.base}/api/v1/accounts/{self.account_id}"
        self._record(
            "api",
            phase,
            lambda: requests.patch(url, json=body, headers=self.api, timeout=60).status_code,
        )

    def page_write(self, phase: str) -> None:
        self.count += 1
        url = f"{self.base}/accounts/{self.account_id}/notes/"
        data = {"body": f"bench note {self.count}"}
        headers = {"X-CSRFToken": self.page.cookies["csrftoken"], "Referer": self.base + "/"}
        self._record(
            "page",
            phase,
            lambda: (
                self.page.post(
                    url, data=data, headers=headers, timeout=60, allow_redirects=False
                ).status_code
            ),
        )

    def run(self, phase: str, every: float, until: threading.Event | float) -> None:
        """Start one API and one page write every `every` seconds, not waiting for answers,
        until the event is set (or for that many seconds); then wait for the last ones."""
        threads: list[threading.Thread] = []
        start = time.perf_counter()
        tick = 0
        while True:
            if isinstance(until, threading.Event):
                if until.is_set():
                    break
            elif time.perf_counter() - start >= until:
                break
            for call in (self.api_write, self.page_write):
                thread = threading.Thread(target=call, args=(phase,))
                thread.start()
                threads.append(thread)
            tick += 1
            time.sleep(max(0.0, start + tick * every - time.perf_counter()))
        for thread in threads:
            thread.join()


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [KAM, "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/login/", timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"kam serve did not start:\n{log.read_text()[-3000:]}")


def run_store(
    name: str, database_url: str, ledger: Path, accounts: Path, every: float, work: Path
) -> dict[str, object]:
    env = prepare(work / name, database_url, accounts, demo=True)
    token = kam(env, "token", "create", USER, "--label", "bench").strip().splitlines()[-1]
    port = free_port()
    server = serve(env, port, work / f"{name}-serve.log")
    try:
        base = f"http://127.0.0.1:{port}"
        listing = requests.get(
            f"{base}/api/v1/accounts",
            params={"limit": 1},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        items = listing["items"] if isinstance(listing, dict) else listing
        writer = Writer(base, token, int(items[0]["id"]))
        writer.run("baseline", every, 10.0)
        done = threading.Event()
        log = work / f"{name}-import.log"
        started = time.perf_counter()
        importer = subprocess.Popen(
            [KAM, "import", "ledger", str(ledger), "--user", USER],
            env={**env, "KAM_LOG_LEVEL": "DEBUG"},
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

        def wait_import() -> None:
            importer.wait()
            done.set()

        threading.Thread(target=wait_import).start()
        writer.run("import", every, done)
        import_seconds = time.perf_counter() - started
        if importer.returncode:
            sys.exit(f"the import failed:\n{log.read_text()[-3000:]}")
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {
        "records": writer.records,
        "import_seconds": import_seconds,
        "profile": import_profile(log),
    }


def figures(records: list[Write]) -> str:
    seconds = np.array([r.seconds for r in records])
    failed = sum(1 for r in records if r.status >= 400 or r.status == 0)
    busy = sum(1 for r in records if r.status == 503)
    if not len(seconds):
        return "0 | 0 | 0 | — | — | — | — |"
    p50, p95, p99 = np.percentile(seconds, [50, 95, 99])
    return (
        f"{len(records)} | {failed} | {busy} | {p50:.3f} | {p95:.3f} | {p99:.3f} | "
        f"{seconds.max():.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--every", type=float, default=0.5)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--stores", default="sqlite,postgresql")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kam-bench-writes-"))
    results: dict[str, dict[str, object]] = {}
    try:
        ledger, accounts = make_files(work, options.lines, options.accounts)
        for store in options.stores.split(","):
            if store == "sqlite":
                results["SQLite"] = run_store("sqlite", "", ledger, accounts, options.every, work)
                continue
            with scratch_databases(options.pg, [f"kam_bench_writes_{os.getpid()}"]) as urls:
                results["PostgreSQL"] = run_store(
                    "postgresql", urls[0], ledger, accounts, options.every, work
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{options.lines:,} lines, writes every {options.every} s, {os.cpu_count()} cores\n")
    print(
        "| store | phase | writes | failed | of them 503 | p50 (s) | p95 (s) | p99 (s) | max (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for store, result in results.items():
        records: list[Write] = result["records"]  # type: ignore[assignment]
        for phase in ("baseline", "import"):
            chosen = [r for r in records if r.phase == phase]
            print(f"| {store} | {phase} | {figures(chosen)}")
        for kind in ("api", "page"):
            chosen = [r for r in records if r.phase == "import" and r.kind == kind]
            print(f"| {store} | import, {kind} only | {figures(chosen)}")
    print(
        "\n| store | import (s) | "
        + " | ".join(f"{step} (s)" for step in STEPS)
        + " | merge, all transactions (s) | SQLite slices (s) | longest lock hold (s) |"
    )
    print("|---|---:|" + "---:|" * (len(STEPS) + 3))
    for store, result in results.items():
        profile: dict[str, float] = result["profile"]  # type: ignore[assignment]
        steps = " | ".join(f"{profile.get('step_' + step, 0.0):.2f}" for step in STEPS)
        lock = profile.get("step_transaction", 0.0)
        # PostgreSQL merges in one transaction: that is its longest hold.
        longest = profile.get("step_lock_longest", lock)
        slices = profile.get("step_slices", 0.0)
        print(
            f"| {store} | {result['import_seconds']:.1f} | {steps} | {lock:.2f} "
            f"| {slices:.2f} | {longest:.2f} |"
        )
    for store, result in results.items():
        profile = result["profile"]  # type: ignore[assignment]
        logged = ", ".join(f"{step[5:]} {seconds:.2f}" for step, seconds in profile.items())
        print(f"\n{store} import profile as logged (s): {logged}")
    statuses = sorted({r.status for result in results.values() for r in result["records"]})  # type: ignore[attr-defined]
    print(f"\nstatuses seen: {statuses}")


if __name__ == "__main__":
    main()
