"""Benchmark the risk scoring of issue 19 (DOMAIN §10): 10,000 accounts end to end.

Builds the company of bench/score_portfolio.py (M accounts, an N-line ledger over 36 months,
through kam's own imports), adds engagement records in bulk (survey responses, complaints,
competitor moves), back-fills the monthly history once (`kam score --history`, so the
Markov chain has classes to read), then times one `kam score --as-of D` and, inside it, the
risk step (kam.risk.services.scoring.score_risk): features from every source, BG/NBD (and
its covariate variant on the hold-out), Gamma-Gamma and CLV, the churn model with its
out-of-time evaluation, the Markov chain, and the bulk writes of the scores, the 24 months of
risk history and the model runs. Results print as Markdown.

    .venv/bin/python bench/score_risk.py [--accounts 10000] [--lines 1000000]
        [--database sqlite|postgres] [--pg postgres://postgres@127.0.0.1:5432/kam_bench]
        [--home DIR]
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
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_portfolio import AS_OF, build_company


def add_engagement(accounts: int) -> None:
    """Survey responses, complaints and competitor moves for a share of the accounts."""
    from django.db import transaction
    from django.utils import timezone

    from kam.accounts.models import Account
    from kam.engagement.competitors.models import CompetitorMove, CompetitorOffer, MoveSource
    from kam.engagement.complaints.models import Category, Channel, Complaint, Severity, Status
    from kam.engagement.surveys.models import SurveyResponse

    rng = np.random.default_rng(11)
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    start = dt.date(2024, 1, 1)

    def day() -> dt.date:
        return start + dt.timedelta(days=int(rng.integers(0, (AS_OF - start).days)))

    with transaction.atomic():
        SurveyResponse.objects.bulk_create(
            SurveyResponse(
                account_id=ids[int(rng.integers(0, len(ids)))],
                responded_on=day(),
                nps=int(rng.integers(0, 11)),
                csat_service=int(rng.integers(1, 6)),
                csat_product=int(rng.integers(1, 6)),
            )
            for _ in range(accounts)
        )
        complaints = []
        for _ in range(accounts // 2):
            received = dt.datetime.combine(day(), dt.time(10), tzinfo=dt.UTC)
            complaints.append(
                Complaint(
                    account_id=ids[int(rng.integers(0, len(ids)))],
                    received_at=received,
                    channel=Channel.PHONE,
                    category=Category.SERVICE,
                    severity=Severity.MEDIUM,
                    subject="Late delivery",
                    status=Status.RESOLVED,
                    acknowledge_due_at=received + dt.timedelta(hours=8),
                    resolve_due_at=received + dt.timedelta(days=5),
                    acknowledged_at=received + dt.timedelta(hours=int(rng.integers(1, 16))),
                    resolved_at=received + dt.timedelta(days=int(rng.integers(1, 9))),
                )
            )
        Complaint.objects.bulk_create(complaints)
        CompetitorMove.objects.bulk_create(
            CompetitorMove(
                account_id=ids[int(rng.integers(0, len(ids)))],
                competitor="Rival",
                offer=CompetitorOffer.PRICE_CUT,
                seen_on=day(),
                source=MoveSource.CUSTOMER,
                created_at=timezone.now(),
            )
            for _ in range(accounts // 3)
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/kam_bench_risk")
    parser.add_argument("--home", type=Path, help="keep the company here and reuse it (SQLite)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="kam-bench-risk-"))
    home.mkdir(parents=True, exist_ok=True)
    reuse = args.database == "sqlite" and (home / "kam.sqlite3").exists()
    env = {**os.environ, "KAM_HOME": str(home), "KAM_HTTPS": "false"}
    env["KAM_DATABASE_URL"] = args.pg if args.database == "postgres" else ""
    if args.database == "postgres":
        name = args.pg.rsplit("/", 1)[1]
        host = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *host, "--if-exists", name], check=True)
        subprocess.run(["createdb", *host, name], check=True)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    if not reuse:
        started = time.perf_counter()
        build_company(home, args.accounts, args.lines, env)
    import django

    django.setup()
    if not reuse:
        add_engagement(args.accounts)
        print(f"built the company in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    from kam.ledger.models import LedgerLine
    from kam.portfolio import steps
    from kam.portfolio.services.scoring import score_history, score_portfolio
    from kam.risk.models import ModelRun, RiskMonth, RiskScore
    from kam.risk.services import scoring as risk

    if not reuse:
        score_history(as_of=AS_OF)
    timings: dict[str, float] = {}
    original = risk.score_risk

    def timed(**kwargs: Any) -> risk.RiskOutcome:
        t0, c0 = time.perf_counter(), time.process_time()
        outcome = original(**kwargs)
        timings["risk"] = time.perf_counter() - t0
        # CPU seconds of this process (SQLite runs inside it): what the step costs when the
        # machine is shared, as the two cores here are by other runs.
        timings["risk_cpu"] = time.process_time() - c0
        return outcome

    risk.score_risk = timed  # type: ignore[assignment]
    assert "risk" in steps._steps
    # From nothing scored (the first run writes all 24 month ends of the risk history), then
    # again (a re-score: the month ends already kept stay, the last 7 are rewritten).
    for model in (RiskScore, RiskMonth, ModelRun):
        model.objects.all().delete()
    t0 = time.perf_counter()
    score_portfolio(dates=[AS_OF])
    first_whole = time.perf_counter() - t0
    first, first_cpu = timings["risk"], timings["risk_cpu"]
    t0 = time.perf_counter()
    score_portfolio(dates=[AS_OF])
    whole = time.perf_counter() - t0
    runs = ModelRun.objects.filter(as_of=AS_OF).order_by("-fitted_at", "-id")[:5]
    latest = {run.kind: run for run in reversed(list(runs))}
    churn = latest.get("churn")
    print(
        f"\n{args.database}: {args.accounts:,} accounts, {LedgerLine.objects.count():,} ledger "
        f"lines, as of {AS_OF}\n"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} at the end\n")
    print("| run | wall seconds | CPU seconds |")
    print("|---|---:|---:|")
    print(f"| risk step, first run (24 month ends written) | {first:.2f} | {first_cpu:.2f} |")
    print(f"| kam score, one date, with that first risk step | {first_whole:.2f} | |")
    print(
        f"| risk step, re-score (features, models, storage) | {timings['risk']:.2f} "
        f"| {timings['risk_cpu']:.2f} |"
    )
    for kind, run in latest.items():
        print(f"| · {kind} fit | {run.seconds:.2f} | |")
    print(f"| kam score, one date, with the re-score's risk step | {whole:.2f} | |")
    print(
        f"\nstored: {RiskScore.objects.filter(as_of=AS_OF).count():,} risk scores, "
        f"{RiskMonth.objects.count():,} risk months"
    )
    if churn is not None:
        quality = churn.quality
        print(
            f"churn model: AUC {quality.get('auc')} against the recency baseline's "
            f"{quality.get('baseline', {}).get('auc')}; used: {churn.used}"
        )


if __name__ == "__main__":
    main()
