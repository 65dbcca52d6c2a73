"""Benchmark the nightly engagement sweep (issue 18: 10,000 accounts in under 10 s).

Builds, in a scratch kam home, M accounts scored into the four classes (one snapshot date),
K done visits or meetings per account spread over the last 120 days, and D decision makers
per account with a last contact in the last 120 days; then times `cadence_sweep` three
times: the first run opens the alerts, the second finds the same (nothing changes), the
third runs after a visit is logged on a tenth of the accounts (their alerts resolve).
Results print as Markdown.

    .venv/bin/python bench/engagement_sweep.py [--accounts 10000] [--visits 3] [--people 2]
        [--database sqlite|postgres] [--pg postgres://postgres@127.0.0.1:5432]

With SWEEP_PROFILE=1 each sweep runs under cProfile and prints its 25 costliest calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KAM = str(Path(sys.executable).with_name("kam"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--people", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kam-bench-sweep-") as work:
        home = Path(work) / "home"
        home.mkdir()
        url = ""
        if args.database == "postgres":
            name = f"kam_bench_sweep_{os.getpid()}"
            subprocess.run(
                ["psql", f"{args.pg}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True
            )
            url = f"{args.pg}/{name}"
        os.environ.update(
            {"KAM_HOME": str(home), "KAM_DATABASE_URL": url, "KAM_LOG_LEVEL": "WARNING"}
        )
        try:
            subprocess.run([KAM, "migrate", "-v", "0"], check=True)
            run(args)
        finally:
            if url:
                subprocess.run(
                    ["psql", f"{args.pg}/postgres", "-qc", f"DROP DATABASE {name} WITH (FORCE)"],
                    check=True,
                )


def run(args: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    django.setup()
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from kam.accounts.models import Account
    from kam.alerts.models import Alert
    from kam.engagement.activities.models import Activity
    from kam.engagement.activities.sweep import cadence_sweep
    from kam.org.models import Role, User
    from kam.portfolio.models import Snapshot
    from kam.relationships.models import Contact

    rng = np.random.default_rng(18)
    today = timezone.localdate()
    now = timezone.now()
    owner = User.objects.create(username="bench-manager", role=Role.MANAGER)
    n = args.accounts
    started = time.perf_counter()
    Account.objects.bulk_create(
        [Account(code=f"K{i:05d}", name=f"Customer {i}", owner=owner) for i in range(n)],
        batch_size=2000,
    )
    ids = list(Account.objects.order_by("id").values_list("id", flat=True))
    classes = rng.choice(list("ABCD"), n)
    Snapshot.objects.bulk_create(
        [
            Snapshot(
                account_id=pk,
                as_of=today,
                scope="entity",
                active=True,
                contribution_cents=1,
                contribution_prev_cents=1,
                margin_cents=0,
                potential_cents=1,
                contribution_level="low",
                potential_level="low",
                account_class=str(classes[i]),
                lifecycle="growth",
                strategy="retention",
                strategy_rule="R3",
            )
            for i, pk in enumerate(ids)
        ],
        batch_size=2000,
    )

    def visit(pk: int, when: dt.datetime, kind: str = "visit") -> Activity:
        return Activity(
            account_id=pk,
            kind=kind,
            channel="on_site",
            status="done",
            planned_for=when,
            done_at=when,
            subject="Visit",
            owner=owner,
        )

    rows = [
        visit(pk, now - dt.timedelta(days=int(back)), "visit" if back % 2 else "meeting")
        for pk in ids
        for back in rng.integers(0, 120, args.visits)
    ]
    Activity.objects.bulk_create(rows, batch_size=2000)
    people = [
        Contact(
            account_id=pk,
            name=f"Person {pk}-{j}",
            buying_role="decision_maker",
            last_contact=today - dt.timedelta(days=int(rng.integers(0, 120))),
        )
        for pk in ids
        for j in range(args.people)
    ]
    Contact.objects.bulk_create(people, batch_size=2000)
    built = time.perf_counter() - started
    timings = []
    for step in (
        "first run: opens the alerts",
        "second run: nothing changed",
        "third run: a tenth visited",
    ):
        if step.startswith("third"):
            visited = ids[::10]
            Activity.objects.bulk_create([visit(pk, now) for pk in visited], batch_size=2000)
        start = time.perf_counter()
        if os.environ.get("SWEEP_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            result = profile.runcall(cadence_sweep, today=today)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        else:
            result = cadence_sweep(today=today)
        seconds = time.perf_counter() - start
        open_alerts = Alert.objects.filter(is_open=True).count()
        timings.append(
            (step, seconds, result.visits_overdue, result.decision_makers_overdue, open_alerts)
        )
    print(
        f"\n{n:,} accounts, {len(rows):,} activities, {len(people):,} decision makers "
        f"({connection.vendor}); built in {built:.1f} s\n"
    )
    print("| sweep | seconds | visits overdue | decision makers overdue | open alerts |")
    print("|---|---:|---:|---:|---:|")
    for step, seconds, visits, dms, alerts in timings:
        print(f"| {step} | {seconds:.2f} | {visits:,} | {dms:,} | {alerts:,} |")


if __name__ == "__main__":
    main()
