"""Benchmark `GET /api/v1/accounts/{id}/relationship-map` for a 200-person buying centre.

In one process on a fresh SQLite home (or `--database` PostgreSQL): migrate, create a
manager with a token and an account whose buying centre has N people on four levels and M
influence links (the builder the query-count test uses, tests/factories.py
`buying_centre`), then ask for the map through Django's test client (the whole API stack:
token check, visibility, the query, scoring, the schema) `--repeat` times after a warm-up,
and print the queries of one answer, the median, p95 and max wall-clock milliseconds and
the median CPU milliseconds of the process (what the answer costs when the machine is shared)
as Markdown. Target (issue 17): under 100 ms on SQLite for 200 people.

    .venv/bin/python bench/relationship_map.py [--people 200] [--links 100] [--repeat 50]
        [--database postgres://postgres@127.0.0.1:5432/kam_bench]
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--links", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="kam-bench-map-")
    os.environ["KAM_HOME"] = home
    os.environ["KAM_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    sys.path.insert(0, str(ROOT))  # tests.factories: the builder the query-count test uses

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    call_command("migrate", verbosity=0)

    from tests.factories import AccountFactory, UserFactory, buying_centre

    from kam.org.models import Role
    from kam.org.services import token_create

    manager = UserFactory(role=Role.MANAGER, username="bench-manager")
    account = AccountFactory(owner=manager, code="BENCH-MAP")
    buying_centre(account, args.people, args.links)
    _token, raw = token_create(user=manager, name="bench")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/v1/accounts/{account.pk}/relationship-map"

    for _ in range(5):  # warm-up: imports, the settings row, the query plans
        assert client.get(url).status_code == 200
    queries: list[str] = []

    def count(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        body = client.get(url).json()
    times, cpu = [], []
    load = os.getloadavg()[0]
    for _ in range(args.repeat):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200
    load = max(load, os.getloadavg()[0])
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    median = statistics.median(times)
    store = connection.vendor
    pg = getattr(connection, "pg_version", 0)
    version = sqlite3.sqlite_version if store == "sqlite" else f"{pg // 10000}.{pg % 10000}"
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{store} {version}, load average up to {load:.1f}"
    )
    print()
    print(
        "| people | links | queries | answer (kB) | median (ms) | p95 (ms) | max (ms) "
        "| CPU median (ms) | target |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    size = len(response.content) / 1024
    met = "met" if median < TARGET_MS else "missed"
    print(
        f"| {len(body['nodes'])} | {args.links} | {len(queries)} | {size:.0f} | {median:.1f} "
        f"| {p95:.1f} | {times[-1]:.1f} | {statistics.median(cpu):.1f} "
        f"| < {TARGET_MS} ms: {met} |"
    )


if __name__ == "__main__":
    main()
