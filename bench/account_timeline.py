"""Benchmark the account page's timeline: the first page of an account with 5,000 events.

In one process on a fresh SQLite home (or `--database` PostgreSQL): migrate, create a
manager and an account with N events spread over every kind (tests/factories.py
`timeline_events`, the builder the query-count test uses, bulk-created), then ask for the
timeline fragment (`GET /accounts/{id}/timeline/`: the view, the sources, the template)
through Django's test client `--repeat` times after warm-ups, and print the queries of one
answer and the min and median milliseconds as Markdown. Target (issue 18): under 200 ms.

    .venv/bin/python bench/account_timeline.py [--events 5000] [--repeat 20]
        [--database postgres://postgres@127.0.0.1:5432/kam_bench]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()

    os.environ["KAM_HOME"] = tempfile.mkdtemp(prefix="kam-bench-timeline-")
    os.environ["KAM_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    sys.path.insert(0, str(ROOT))  # tests.factories: the builder the query-count test uses

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    call_command("migrate", verbosity=0)

    from tests.factories import AccountFactory, UserFactory, timeline_events

    from kam.org.models import Role

    manager = UserFactory(role=Role.SALES)
    account = AccountFactory(owner=manager)
    timeline_events(account, args.events)
    client = Client()
    client.force_login(manager)
    url = reverse("account_timeline", args=[account.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)
    timings, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    store = "PostgreSQL" if args.database else "SQLite"
    print("| store | events | queries | min (ms) | median (ms) | CPU median (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| {store} | {args.events} | {queries} | {min(timings):.1f} "
        f"| {statistics.median(timings):.1f} | {statistics.median(cpu):.1f} |"
    )
    met = "met" if statistics.median(timings) < TARGET_MS else "not met"
    print(f"\nTarget: under {TARGET_MS} ms: {met} (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
