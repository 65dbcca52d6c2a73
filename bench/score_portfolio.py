"""Benchmark `kam score` against a straightforward pandas version of the same snapshot.

Builds a company of M accounts (5 % of them in groups, most with potential estimates) and an
N-line ledger over 36 months through kam's own imports, then, in one process and one run:
- kam's one-date scoring (`score_portfolio`, what `kam score --as-of D` runs);
- kam's monthly back-fill over the whole ledger (what `kam score --history` runs);
- a pandas version that reads the ledger lines from the database and computes the same
  one-date snapshot (entities): C, C_prev, margin, effective P, class, Pareto, score,
  lifecycle and strategy rule;
and checks that both give the same figures for every account. Results print as Markdown.

    .venv/bin/python bench/score_portfolio.py [--accounts 10000] [--lines 10000000]
        [--database sqlite|postgres] [--pg postgres://postgres@127.0.0.1:5432/kam_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

KAM = str(Path(sys.executable).with_name("kam"))
AS_OF = dt.date(2026, 11, 15)
FIRST_MONTH = dt.date(2023, 11, 1)


def build_company(home: Path, accounts: int, lines: int, env: dict[str, str]) -> None:
    """Accounts (groups, ratings, estimates) and the ledger, loaded through kam's imports."""
    rng = np.random.default_rng(7)
    run = lambda *args: subprocess.run([KAM, *args], env=env, check=True)  # noqa: E731
    run("migrate", "-v", "0")
    run("user", "add", "bench-director", "--role", "director")
    rows = ["code,name,parent,potential,potential_date"]
    for i in range(accounts):
        parent = f"K{i - i % 20}" if i % 20 and i < accounts // 4 and i % 20 < 3 else ""
        potential = "" if i % 5 == 4 else f"{rng.lognormal(14, 1.5):.2f}"
        when = "" if not potential else (AS_OF - dt.timedelta(days=int(rng.integers(10, 600))))
        rows.append(f"K{i},Customer {i},{parent},{potential},{when}")
    accounts_path = home / "accounts.csv"
    accounts_path.write_text("\n".join(rows) + "\n")
    run("import", "accounts", str(accounts_path), "--user", "bench-director")
    ledger = home / "ledger.csv"
    chunk = 1_000_000
    weights = 1.0 / np.arange(1, accounts + 1) ** 0.9
    weights /= weights.sum()
    trend = rng.normal(0, 0.02, accounts)
    with ledger.open("wb") as out:
        for start in range(0, lines, chunk):
            n = min(chunk, lines - start)
            who = rng.choice(accounts, n, p=weights)
            day = rng.integers(0, 36 * 30, n)
            growth = np.exp(trend[who] * day / 30)
            amount = np.round(rng.lognormal(7, 1.0, n) * growth, 2)
            amount *= np.where(rng.random(n) < 0.02, -1, 1)
            cost = np.where(rng.random(n) < 0.8, np.round(amount * 0.7, 2), np.nan)
            dates = (np.datetime64(FIRST_MONTH) + day.astype("timedelta64[D]")).astype(str)
            table = pa.table(
                {
                    "customer": pa.array(np.char.add("K", who.astype(str))),
                    "date": pa.array(dates),
                    "amount": pa.array(amount),
                    "cost": pa.array(cost, mask=np.isnan(cost)),
                    "document": pa.array(np.char.add("D", np.arange(start, start + n).astype(str))),
                    "line": pa.array(np.ones(n, dtype=np.int64)),
                }
            )
            options = pacsv.WriteOptions(include_header=start == 0)
            pacsv.write_csv(table, out, write_options=options)
    run("import", "ledger", str(ledger), "--user", "bench-director", "--no-create-accounts")


def pandas_snapshot(as_of: dt.date) -> Any:
    """The one-date snapshot the plain way: read the lines, group, compute per DOMAIN."""
    import pandas as pd

    # pandas reads through Django's DB-API connection; it warns that it prefers SQLAlchemy.
    warnings.filterwarnings("ignore", message="pandas only supports SQLAlchemy")
    from django.db import connection

    from kam.core.months import last_month_end
    from kam.portfolio.rules import rules_from
    from kam.portfolio.selectors import portfolio_settings

    rules = rules_from(portfolio_settings())
    lines = pd.read_sql(
        "SELECT account_id, month, amount_cents, cost_cents FROM ledger_ledgerline", connection
    )
    month = pd.to_datetime(lines["month"])
    lines["m"] = month.dt.year * 12 + month.dt.month - 1
    accounts = pd.read_sql(
        "SELECT id, code, strategic_importance, technical_fit, credit_reputation "
        "FROM accounts_account ORDER BY id",
        connection,
    ).set_index("id")
    estimates = pd.read_sql(
        "SELECT account_id, estimated_on, created_at, id, amount FROM accounts_potentialestimate",
        connection,
    )
    last = last_month_end(as_of)

    def window_sum(frame: Any, column: str, first: int, end: int) -> Any:
        part = frame[(frame["m"] >= first) & (frame["m"] <= end)]
        return part.groupby("account_id")[column].sum().reindex(accounts.index, fill_value=0)

    def classes_at(day: dt.date) -> Any:
        end = last_month_end(day)
        end_m = end.year * 12 + end.month - 1
        c = window_sum(lines, "amount_cents", end_m - 11, end_m)
        est = estimates[pd.to_datetime(estimates["estimated_on"]).dt.date <= day]
        est = est.sort_values(["account_id", "estimated_on", "created_at", "id"])
        latest = est.groupby("account_id").tail(1).set_index("account_id")
        amount = latest["amount"].astype(str).map(lambda v: int(Decimal(v) * 100))
        p = amount.reindex(accounts.index)
        has = p.notna()
        p_eff = np.where(~has | (p < c), c, p).astype(np.int64)
        stale_limit = pd.to_datetime(latest["estimated_on"]) + pd.DateOffset(
            months=rules.potential_max_age_months
        )
        stale = (stale_limit.dt.date < day).reindex(accounts.index, fill_value=False)
        share = Fraction(str(rules.relative_share_threshold))
        c_level = np.where(
            c >= rules.contribution_high_cents,
            2,
            np.where(c >= rules.contribution_medium_cents, 1, 0),
        )
        drop = (p_eff > 0) & (c * share.denominator < share.numerator * p_eff) & (c_level > 0)
        c_level = c_level - drop
        p_level = np.where(
            p_eff >= rules.potential_high_cents,
            2,
            np.where(p_eff >= rules.potential_medium_cents, 1, 0),
        )
        table = {
            (2, 2): "A",
            (2, 1): "B",
            (2, 0): "B",
            (1, 2): "C",
            (1, 1): "C",
            (0, 2): "C",
            (0, 1): "C",
        }
        klass = [table.get((a, b), "D") for a, b in zip(c_level, p_level, strict=True)]
        return pd.DataFrame(
            {"c": c, "p": p_eff, "has": has, "stale": stale, "cls": klass, "p_level": p_level},
            index=accounts.index,
        )

    last_m = last.year * 12 + last.month - 1
    now = classes_at(as_of)
    out = pd.DataFrame(index=accounts.index)
    out["contribution_cents"] = now["c"]
    out["contribution_prev_cents"] = window_sum(lines, "amount_cents", last_m - 23, last_m - 12)
    costed = lines[lines["cost_cents"].notna()]
    costed_revenue = window_sum(costed, "amount_cents", last_m - 11, last_m)
    out["margin_cents"] = costed_revenue - window_sum(costed, "cost_cents", last_m - 11, last_m)
    out["potential_cents"] = now["p"]
    out["account_class"] = now["cls"]
    active = window_sum(lines, "amount_cents", last_m - 23, last_m) > 0

    # Pareto: active with C > 0 by C descending, code ascending.
    ranked = out[active & (out["contribution_cents"] > 0)].join(accounts["code"])
    ranked = ranked.sort_values(["contribution_cents", "code"], ascending=[False, True])
    running = ranked["contribution_cents"].cumsum()
    total = int(running.iloc[-1]) if len(running) else 0
    target = Fraction(str(rules.pareto_revenue_share))
    reached = (running * target.denominator >= target.numerator * total).to_numpy()
    size = int(np.argmax(reached)) + 1 if reached.any() else len(ranked)
    cap_share = Fraction(str(rules.pareto_max_account_share))
    cap = -(-cap_share.numerator * int(active.sum()) // cap_share.denominator)
    out["pareto_rank"] = pd.Series(np.arange(1, len(ranked) + 1), index=ranked.index)
    out["pareto_candidate"] = False
    out.loc[ranked.index[: min(size, cap)], "pareto_candidate"] = True

    def percentile(values: Any, mask: Any) -> Any:
        chosen = values[mask]
        if len(chosen) == 1:
            return pd.Series(1.0, index=chosen.index)
        return (chosen.rank(method="average") - 1) / (len(chosen) - 1)

    prev = out["contribution_prev_cents"]
    growth = out["contribution_cents"] / prev.where(prev > 0) - 1
    margin_pct = out["margin_cents"] / costed_revenue.where(costed_revenue > 0)
    w = rules.weights
    factors = {
        "contribution": (
            percentile(out["contribution_cents"].astype(float), active),
            w.contribution,
        ),
        "potential": (
            percentile(out["potential_cents"].astype(float), active & now["has"]),
            w.potential,
        ),
        "growth": (percentile(growth, active & (prev > 0)), w.growth),
        "margin": (percentile(margin_pct, active & margin_pct.notna()), w.margin),
        "strategic_importance": (
            (accounts["strategic_importance"] - 1) / 4,
            w.strategic_importance,
        ),
        "technical_fit": ((accounts["technical_fit"] - 1) / 4, w.technical_fit),
        "credit_reputation": ((accounts["credit_reputation"] - 1) / 4, w.credit_reputation),
    }
    weighted = pd.Series(0.0, index=accounts.index)
    weight_sum = pd.Series(0.0, index=accounts.index)
    for raw, weight in factors.values():
        values = raw.reindex(accounts.index)
        weighted += values.fillna(0) * float(weight)
        weight_sum += values.notna() * float(weight)
    out["score"] = 100 * weighted / weight_sum.where(weight_sum > 0)

    # Lifecycle: one least-squares fit per account.
    monthly = lines[lines["m"] <= last_m].groupby(["account_id", "m"])["amount_cents"].sum()
    stages = {}
    for account_id in accounts.index:
        series = (
            monthly.get(account_id) if account_id in monthly.index.get_level_values(0) else None
        )
        positive = series[series > 0] if series is not None else None
        if positive is None or positive.empty:
            stages[account_id] = "acquisition"
            continue
        first = int(positive.index.min())
        if last_m - first + 1 < rules.min_history_months:
            stages[account_id] = "acquisition"
            continue
        if not (positive.index > last_m - rules.lost_after_months).any():
            stages[account_id] = "lost"
            continue
        start = max(first, last_m - rules.lifecycle_window_months + 1)
        y = series.reindex(range(start, last_m + 1), fill_value=0).to_numpy(dtype=float)
        t = np.arange(len(y), dtype=float)
        beta, alpha = np.polyfit(t, y, 1)
        resid = y - (alpha + beta * t)
        sxx = ((t - t.mean()) ** 2).sum()
        se = np.sqrt((resid**2).sum() / (len(y) - 2) / sxx)
        exact = np.allclose(resid, 0, atol=1e-6 * max(1.0, abs(y).max()))
        tstat = 0.0 if abs(beta) < 1e-12 else (np.sign(beta) * np.inf if exact else beta / se)
        g = 12 * beta / y.mean() if y.mean() > 0 else np.nan
        if tstat >= 2 and g >= 0.05:
            stages[account_id] = "growth"
        elif tstat <= -2 and g <= -0.05:
            stages[account_id] = "decline"
        else:
            stages[account_id] = "maturity"
    out["lifecycle"] = pd.Series(stages)

    # Strategy rules R1–R5, R2 looking back at the 12 month ends.
    was_ab = pd.Series(False, index=accounts.index)
    for back in range(12):
        index = last_m - back
        day = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1) - dt.timedelta(days=1)
        was_ab |= classes_at(day)["cls"].isin(["A", "B"])
    never = ~(monthly[monthly > 0].groupby(level=0).size().reindex(accounts.index).fillna(0) > 0)
    rule = []
    for account_id in accounts.index:
        cls, stage = out.at[account_id, "account_class"], out.at[account_id, "lifecycle"]
        if never[account_id] and now.at[account_id, "p_level"] >= 1:
            rule.append("R1")
        elif (cls in "AB" or was_ab[account_id]) and stage in {"decline", "lost"}:
            rule.append("R2")
        elif cls == "C":
            rule.append("R3")
        elif cls in "AB":
            rule.append("R4")
        else:
            rule.append("R5")
    out["strategy_rule"] = rule
    return out


COMPARED = (
    "contribution_cents",
    "contribution_prev_cents",
    "margin_cents",
    "potential_cents",
    "account_class",
    "pareto_rank",
    "pareto_candidate",
    "score",
    "lifecycle",
    "strategy_rule",
)


def compare(reference: Any, as_of: dt.date) -> int:
    """Number of (account, column) cells where kam and pandas differ."""
    import pandas as pd

    from kam.portfolio.models import Snapshot

    kam = pd.DataFrame.from_records(
        Snapshot.objects.filter(as_of=as_of, scope="entity").values("account_id", *COMPARED)
    ).set_index("account_id")
    diffs = 0
    for column in COMPARED:
        left, right = kam[column], reference[column].reindex(kam.index)
        same = (left == right) | (left.isna() & right.isna())
        if column == "score":
            # The same sum of seven weighted factors in another order: equal to 1e-9 (kam
            # rounds the score to 9 decimals); rounding both to 6 decimals would split
            # values that straddle a rounding edge.
            same = ((left - right).abs() <= 1e-9) | (left.isna() & right.isna())
        if column == "pareto_rank":
            same = left.fillna(0) == right.fillna(0)
        bad = (~same).sum()
        if bad:
            print(
                f"  {column}: {bad} differ, e.g. {left[~same].head(3).to_dict()} vs "
                f"{right[~same].head(3).to_dict()}"
            )
        diffs += int(bad)
    return diffs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/kam_bench")
    parser.add_argument(
        "--home", type=Path, help="keep the company here and reuse it on the next run (SQLite)"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="kam-bench-score-"))
    home.mkdir(parents=True, exist_ok=True)
    reuse = args.database == "sqlite" and (home / "kam.sqlite3").exists()
    env = {**os.environ, "KAM_HOME": str(home), "KAM_HTTPS": "false"}
    env["KAM_DATABASE_URL"] = args.pg if args.database == "postgres" else ""
    if args.database == "postgres":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "kam_bench"], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "kam_bench"], check=True)
    if not reuse:
        started = time.perf_counter()
        build_company(home, args.accounts, args.lines, env)
        print(f"built the company in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    import django

    django.setup()
    from kam.ledger.models import LedgerLine
    from kam.portfolio.services.scoring import history_dates, score_history, score_portfolio

    line_count = LedgerLine.objects.count()
    if reuse:  # start from the state a fresh build leaves: nothing scored yet
        from kam.alerts.models import Alert
        from kam.portfolio.models import MonthlyHistory, Snapshot

        for model in (Snapshot, MonthlyHistory, Alert):
            model.objects.all().delete()
    t0 = time.perf_counter()
    score_portfolio(dates=[AS_OF])
    one = time.perf_counter() - t0
    dates = history_dates(AS_OF)
    t0 = time.perf_counter()
    score_history(as_of=AS_OF)
    history = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = pandas_snapshot(AS_OF)
    plain = time.perf_counter() - t0
    diffs = compare(reference, AS_OF)

    print(
        f"\n{args.database}: {args.accounts:,} accounts, {line_count:,} ledger lines, as of {AS_OF}\n"
    )
    print("| run | seconds | ratio |")
    print("|---|---:|---:|")
    print(f"| pandas, one date (reads the lines) | {plain:.2f} | {plain / one:.1f}× kam |")
    print(f"| kam score, one date | {one:.2f} | 1 |")
    print(
        f"| kam score --history ({len(dates)} dates) | {history:.2f} | {history / one:.2f}× one date |"
    )
    print(f"\ncells differing between kam and pandas: {diffs}")


if __name__ == "__main__":
    main()
