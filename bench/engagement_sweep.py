"""Benchmark the nightly engagement sweep (issue 18: 10,000 accounts in under 10 s).

Builds, in a scratch kam home, through bulk inserts, M accounts scored into the four classes
(one snapshot date) with believable engagement data:

- K done visits or meetings per account over the last 120 days (so about a quarter of the
  accounts are past their class's visit cadence) and D decision makers per account
  (relationships contacts) last contacted in the last 120 days;
- complaints on about 40 % of the accounts, of each severity, received in the last 20 days,
  in every state, their SLA due times from the settings (many of the open ones are late);
- survey responses for two months per account, about one account in five with a CSAT or
  NPS drop.

It then times the nightly sweep — `cadence_sweep` + `complaint_sla_sweep` +
`survey_drops_sweep` — in two runs: the first opens the alerts; before the second a tenth of
the accounts are visited, a fifth of the late complaints resolved, a tenth of the accounts
answer a new survey without a drop (their alerts resolve) and the clock moves on 3 hours
(the late complaints' alerts refresh). Each repetition starts again from no alerts and the
same data. Results print as Markdown.

    .venv/bin/python bench/engagement_sweep.py [--accounts 10000] [--repeat 3]
        [--visits 3] [--people 2] [--database sqlite|postgres]
        [--pg postgres://postgres@127.0.0.1:5432]

With SWEEP_PROFILE=1 the first run's sweeps run under cProfile (the 30 costliest calls
print) and the number of queries each sweep ran is shown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

KAM = str(Path(sys.executable).with_name("kam"))
SWEEPS = ("cadence", "complaints SLA", "survey drops")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
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
    from django.db import connection, reset_queries
    from django.utils import timezone

    from kam.accounts.models import Account
    from kam.alerts.models import Alert
    from kam.engagement.activities.models import Activity
    from kam.engagement.activities.sweep import cadence_sweep
    from kam.engagement.complaints.models import Complaint
    from kam.engagement.complaints.selectors import complaint_settings, due_times
    from kam.engagement.complaints.sweep import complaint_sla_sweep
    from kam.engagement.surveys.alerting import survey_drops_sweep
    from kam.engagement.surveys.models import SurveyResponse
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

    def visit(pk: int, when: dt.datetime, kind: str = "visit", subject: str = "Visit") -> Activity:
        return Activity(
            account_id=pk,
            kind=kind,
            channel="on_site",
            status="done",
            planned_for=when,
            done_at=when,
            subject=subject,
            owner=owner,
        )

    activities = [
        visit(pk, now - dt.timedelta(days=int(back)), "visit" if back % 2 else "meeting")
        for pk in ids
        for back in rng.integers(0, 120, args.visits)
    ]
    Activity.objects.bulk_create(activities, batch_size=2000)
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

    # Complaints: due times from the settings, as kam fixes them when one is received.
    settings = complaint_settings()
    severities = ["critical", "high", "medium", "low"]
    statuses = ["open", "open", "acknowledged", "in_progress", "resolved", "closed"]
    complaints = []
    for pk in ids:
        if rng.random() >= 0.4:
            continue
        for _ in range(int(rng.integers(1, 3))):
            severity = severities[int(rng.integers(0, 4))]
            received = now - dt.timedelta(hours=float(rng.uniform(1, 20 * 24)))
            due = due_times(received_at=received, severity=severity, settings=settings)
            status = statuses[int(rng.integers(0, len(statuses)))]
            complaints.append(
                Complaint(
                    account_id=pk,
                    received_at=received,
                    channel="phone",
                    category="service",
                    severity=severity,
                    subject=f"Late delivery {pk}-{len(complaints)}",
                    status=status,
                    acknowledge_due_at=due.acknowledge,
                    resolve_due_at=due.resolve,
                    acknowledged_at=None if status == "open" else received,
                    created_by=owner,
                )
            )
    Complaint.objects.bulk_create(complaints, batch_size=2000)

    # Surveys: last month and the month before; about one account in five drops.
    this_month = today.replace(day=1)
    months = [(this_month - dt.timedelta(days=40)).replace(day=10), this_month]
    responses = []
    for pk in ids:
        base = rng.integers(3, 6, 5)
        nps = int(rng.integers(6, 11))
        drop = rng.random() < 0.2
        for month_index, day in enumerate(months):
            scores = base.copy()
            score_nps = nps
            if drop and month_index == 1:
                if rng.random() < 0.5:
                    scores[int(rng.integers(0, 5))] = 1
                else:
                    score_nps = max(0, nps - 5) if nps >= 5 else 0
            for _ in range(2):
                responses.append(
                    SurveyResponse(
                        account_id=pk,
                        responded_on=day,
                        nps=score_nps,
                        csat_product=int(scores[0]),
                        csat_service=int(scores[1]),
                        csat_delivery=int(scores[2]),
                        csat_price=int(scores[3]),
                        csat_relationship=int(scores[4]),
                    )
                )
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    built = time.perf_counter() - started

    def sweeps(at: dt.datetime) -> list[Callable[[], Any]]:
        return [
            lambda: cadence_sweep(today=at.date()),
            lambda: complaint_sla_sweep(now=at),
            survey_drops_sweep,
        ]

    def change_between_runs() -> list[int]:
        """A day's work: a tenth visited, a fifth of the late complaints resolved, a tenth
        answering a new survey without a drop."""
        Activity.objects.bulk_create(
            [visit(pk, now, subject="Bench revisit") for pk in ids[::10]], batch_size=2000
        )
        late = list(
            Complaint.objects.filter(status="open", acknowledge_due_at__lt=now).values_list(
                "pk", flat=True
            )
        )
        Complaint.objects.filter(pk__in=late[::5]).update(status="resolved", resolved_at=now)
        answered = ids[5::10]
        fresh = (this_month + dt.timedelta(days=40)).replace(day=5)
        SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    account_id=pk,
                    responded_on=fresh,
                    comments="bench",
                    nps=10,
                    csat_product=5,
                    csat_service=5,
                    csat_delivery=5,
                    csat_price=5,
                    csat_relationship=5,
                )
                for pk in answered
            ],
            batch_size=2000,
        )
        return late[::5]

    def restore(resolved: list[int]) -> None:
        Activity.objects.filter(subject="Bench revisit").delete()
        Complaint.objects.filter(pk__in=resolved).update(status="open", resolved_at=None)
        SurveyResponse.objects.filter(comments="bench").delete()
        Alert.history.model.objects.all().delete()
        Alert.objects.all().delete()

    profiling = bool(os.environ.get("SWEEP_PROFILE"))
    results: dict[str, list[list[float]]] = {"first": [], "second": []}
    counts: dict[str, int] = {}
    queries: dict[str, list[int]] = {}
    cpu_seconds: dict[str, list[float]] = {}
    for repetition in range(args.repeat):
        for run_name, at in (("first", now), ("second", now + dt.timedelta(hours=3))):
            resolved = change_between_runs() if run_name == "second" else []
            seconds = []
            for label, sweep in zip(SWEEPS, sweeps(at), strict=True):
                reset_queries()
                connection.force_debug_cursor = profiling
                start, cpu = time.perf_counter(), time.process_time()
                if profiling and run_name == "first" and repetition == 0:
                    import cProfile
                    import pstats

                    profile = cProfile.Profile()
                    profile.runcall(sweep)
                    print(f"\n## {label}")
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
                else:
                    sweep()
                seconds.append(time.perf_counter() - start)
                cpu_seconds.setdefault(run_name, []).append(time.process_time() - cpu)
                connection.force_debug_cursor = False
                queries.setdefault(f"{run_name} {label}", []).append(len(connection.queries))
            results[run_name].append(seconds)
            if repetition == 0:
                counts[f"{run_name} opened"] = Alert.objects.count()
                counts[f"{run_name} open"] = Alert.objects.filter(is_open=True).count()
                counts[f"{run_name} history"] = Alert.history.count()
        restore(resolved)
    print(
        f"\n{n:,} accounts, {len(activities):,} activities, {len(people):,} decision makers, "
        f"{len(complaints):,} complaints, {len(responses):,} survey responses "
        f"({connection.vendor}); built in {built:.1f} s; {args.repeat} repetitions, "
        "median (min–max) seconds (wall clock; CPU: this process's, where SQLite works too)\n"
    )
    print(
        "| run | cadence | complaints SLA | survey drops | nightly sweep | open alerts | "
        "alerts (all) | history rows | nightly sweep, CPU |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run_name, title in (
        ("first", "first run: opens the alerts"),
        ("second", "second run: a day later"),
    ):
        rows = results[run_name]
        cells = [_cell([row[i] for row in rows]) for i in range(3)]
        cells.append(_cell([sum(row) for row in rows]))
        cpu = cpu_seconds[run_name]
        cpu_cell = _cell([sum(cpu[i : i + 3]) for i in range(0, len(cpu), 3)])
        print(
            f"| {title} | {' | '.join(cells)} | {counts[run_name + ' open']:,} | "
            f"{counts[run_name + ' opened']:,} | {counts[run_name + ' history']:,} | "
            f"{cpu_cell} |"
        )
    if profiling:
        print("\nqueries per sweep:", {k: v[0] for k, v in queries.items()})


def _cell(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


if __name__ == "__main__":
    main()
