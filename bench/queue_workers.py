"""Benchmark background workers: the same queued scoring runs carried out by one worker on the
database queue, and by one and by two workers on Redis (KAM_QUEUE_URL), per store.

For each store it builds the demo company (`kam demo --accounts M`), then for each worker set-up
queues R scoring runs (what the score button and the nightly re-score queue) and times the
workers from start to the last run done (`kam worker --batch`, which exits when the queue is
empty; two database workers are two such processes). A worker's start-up alone (an empty queue)
is timed in the same run, so the table shows what the runs took beside it. Results print as
Markdown; docs/scale.md reads them.

    .venv/bin/python bench/queue_workers.py [--accounts 300] [--runs 20] [--stores sqlite,postgres]
        [--pg postgres://postgres@127.0.0.1:5432] [--redis redis://127.0.0.1:6379/15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import redis

KAM = str(Path(sys.executable).with_name("kam"))
# One date each: system runs of one date waiting together are one run.
QUEUE_RUNS = (
    "import datetime as dt\n"
    "from kam.portfolio.services.scoring import score_run_create\n"
    "for day in range({runs}):\n"
    "    score_run_create(actor=None, as_of=dt.date(2026, 11, 15) - dt.timedelta(days=day),"
    " reason='bench')"
)
RUNS_DONE = (
    "from kam.portfolio.models import ScoreRun; "
    "print(ScoreRun.objects.filter(reason='bench', status='done').count())"
)


def kam(env: dict[str, str], *args: str) -> str:
    return subprocess.run([KAM, *args], env=env, check=True, capture_output=True, text=True).stdout


def timed_workers(env: dict[str, str], commands: list[list[str]]) -> float:
    """Seconds from starting the workers until the last one exits (the queue is empty)."""
    start = time.perf_counter()
    workers = [
        subprocess.Popen(
            [KAM, *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for command in commands
    ]
    for worker in workers:
        worker.wait()
    return time.perf_counter() - start


def bench_store(
    store: str, env: dict[str, str], *, accounts: int, runs: int, queue_url: str
) -> list[str]:
    kam(env, "migrate", "-v", "0")
    kam(env, "demo", "--accounts", str(accounts))
    kam(env, "worker", "--batch")  # whatever the demo queued
    client = redis.Redis.from_url(queue_url)
    setups = [
        ("database queue, 1 worker", {}, [["worker", "--batch"]]),
        ("database queue, 2 workers", {}, [["worker", "--batch"], ["worker", "--batch"]]),
        ("Redis, 1 worker", {"KAM_QUEUE_URL": queue_url}, [["worker", "--batch"]]),
        (
            "Redis, 2 workers (`--processes 2`)",
            {"KAM_QUEUE_URL": queue_url},
            [["worker", "--batch", "--processes", "2"]],
        ),
    ]
    rows = []
    for label, extra, commands in setups:
        client.flushdb()
        setup_env = {**env, **extra}
        startup = timed_workers(setup_env, commands)
        kam(setup_env, "shell", "--no-imports", "-c", QUEUE_RUNS.format(runs=runs))
        elapsed = timed_workers(setup_env, commands)
        done = int(kam(setup_env, "shell", "--no-imports", "-c", RUNS_DONE).strip())
        kam(
            setup_env,
            "shell",
            "--no-imports",
            "-c",
            "from kam.portfolio.models import ScoreRun; ScoreRun.objects.filter(reason='bench').delete()",
        )
        assert done == runs, f"{label}: {done} of {runs} runs done"
        work = max(elapsed - startup, 1e-9)
        rows.append(
            f"| {store} | {label} | {runs} | {startup:.1f} | {elapsed:.1f} | "
            f"{runs / work:.2f} | {runs * accounts / work:,.0f} |"
        )
    client.flushdb()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    rows = [
        "| store | workers | scoring runs | start-up alone (s) | start-up + runs (s) | runs / s | accounts scored / s |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for store in args.stores.split(","):
        with tempfile.TemporaryDirectory(prefix="kam-bench-queue-") as home:
            env = {
                **os.environ,
                "KAM_HOME": home,
                "KAM_DATABASE_URL": "",
                "KAM_QUEUE_URL": "",
                "KAM_CACHE_URL": "",
            }
            name = f"kam_bench_queue_{uuid.uuid4().hex[:8]}"
            if store == "postgres":
                with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as connection:
                    connection.execute(f'CREATE DATABASE "{name}"')
                env["KAM_DATABASE_URL"] = f"{args.pg}/{name}"
            try:
                rows += bench_store(
                    store, env, accounts=args.accounts, runs=args.runs, queue_url=args.redis
                )
            finally:
                if store == "postgres":
                    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as connection:
                        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    print("\n".join(rows))


if __name__ == "__main__":
    main()
