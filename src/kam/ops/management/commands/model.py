"""`kam model bgnbd|gammagamma|markov …`: fit kam's models of DOMAIN §10 on any file, for
analysts (no database is read or written).

`kam model bgnbd --transactions PATH [--customer-col customer] [--date-col date]
[--amount-col amount] [--period day|week|month] [--calibration-end DATE] [--format table|json]
[--per-customer OUT.csv] [--horizon N]`; `kam model gammagamma` takes the same options (the
amount column is needed); `kam model markov --history PATH [--customer-col customer]
[--period-col period] [--state-col state] [--states A,B,C,D,lost] [--absorbing lost]
[--smoothing 0.5] [--steps 12] [--format table|json]`. Bad input exits with code 2 and a line
naming what is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from kam.analytics import bgnbd, gammagamma, markov, rfm
from kam.core.export import spreadsheet_safe
from kam.importing.reading import FileRejected
from kam.importing.transactions import (
    StateHistory,
    Transactions,
    TransactionsRejected,
    date_of,
    day_number,
    read_state_history,
    read_transactions,
)

MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise _bad(
            _("--calibration-end: %(value)r is not a date (write 2026-03-31)") % {"value": value}
        ) from error


def _transaction_options(parser: CommandParser, *, amount_required: bool) -> None:
    parser.add_argument("--transactions", type=Path, required=True, metavar="PATH")
    parser.add_argument("--customer-col", default="customer")
    parser.add_argument("--date-col", default="date")
    parser.add_argument(
        "--amount-col",
        default="amount" if amount_required else None,
        help="The transaction value (needed by gammagamma; bgnbd ignores it).",
    )
    parser.add_argument(
        "--period",
        choices=sorted(rfm.PERIOD_DAYS),
        default="day",
        help="The unit of recency and T: a day, 7 days or 365.25/12 days.",
    )
    parser.add_argument(
        "--calibration-end",
        help="Count transactions on or before this date (default: the file's last date).",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--per-customer", type=Path, metavar="OUT.csv")


class Command(BaseCommand):
    help = "Fit the repeat-buying, spend and class-migration models on a file (DOMAIN §10)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="model", required=True)
        fit_bgnbd = sub.add_parser("bgnbd", help="BG/NBD: p(alive) and expected purchases.")
        _transaction_options(fit_bgnbd, amount_required=False)
        fit_bgnbd.add_argument(
            "--horizon",
            type=float,
            default=None,
            help="Periods ahead for expected_purchases (default: the calibration length).",
        )
        fit_spend = sub.add_parser("gammagamma", help="Gamma-Gamma: expected spend per purchase.")
        _transaction_options(fit_spend, amount_required=True)
        chain = sub.add_parser("markov", help="Class migration chain and its forecast.")
        chain.add_argument("--history", type=Path, required=True, metavar="PATH")
        chain.add_argument("--customer-col", default="customer")
        chain.add_argument("--period-col", default="period")
        chain.add_argument("--state-col", default="state")
        chain.add_argument(
            "--states",
            default=None,
            help="The states in order, comma-separated (default: A,B,C,D,lost when the file's "
            "states are among them, else the file's states sorted).",
        )
        chain.add_argument(
            "--absorbing",
            default=None,
            help="A state nobody leaves (default: lost when present).",
        )
        chain.add_argument("--smoothing", type=float, default=0.5)
        chain.add_argument("--steps", type=int, default=12)
        chain.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["model"] == "markov":
                result = self._markov(options)
            else:
                result = self._repeat_buying(options)
        except (FileRejected, TransactionsRejected) as error:
            path = options.get("transactions") or options.get("history")
            raise _bad(f"{path}: {error}") from error
        except ValueError as error:
            raise _bad(f"{options['model']}: {error}") from error
        self._write(result, options["format"])

    # --- BG/NBD and Gamma-Gamma --------------------------------------------------------

    def _summary(
        self, options: dict[str, Any]
    ) -> tuple[Transactions, rfm.CustomerSummary, dt.date]:
        path: Path = options["transactions"]
        if not path.is_file():
            raise _bad(_("%(path)s: no such file") % {"path": path})
        amount_col = options["amount_col"] if options["model"] == "gammagamma" else None
        data = read_transactions(
            path, customer=options["customer_col"], date=options["date_col"], amount=amount_col
        )
        end = (
            _date(options["calibration_end"])
            if options["calibration_end"]
            else date_of(int(data.day.max()))
        )
        summary = rfm.summarize(
            data.customer,
            data.day,
            data.amount,
            calibration_end=day_number(end),
            period_days=rfm.PERIOD_DAYS[options["period"]],
        )
        if summary.customer.size == 0:
            raise _bad(
                _("%(path)s: no transaction on or before %(date)s")
                % {"path": path, "date": end.isoformat()}
            )
        return data, summary, end

    def _repeat_buying(self, options: dict[str, Any]) -> dict[str, Any]:
        data, summary, end = self._summary(options)
        names = [data.names[i] for i in summary.customer]
        common = {"period": options["period"], "calibration_end": end.isoformat()}
        if options["model"] == "bgnbd":
            model = bgnbd.fit(bgnbd.group(summary.frequency, summary.recency, summary.T))
            if options["per_customer"]:
                horizon = options["horizon"]
                if horizon is None:
                    horizon = float(summary.T.max()) if summary.T.size else 0.0
                if horizon < 0:
                    raise _bad(_("--horizon: must be ≥ 0"))
                alive = bgnbd.probability_alive(
                    model, summary.frequency, summary.recency, summary.T
                )
                expected = bgnbd.expected_purchases(
                    model, horizon, summary.frequency, summary.recency, summary.T
                )
                _write_csv(
                    options["per_customer"],
                    ["customer", "frequency", "recency", "T", "p_alive", "expected_purchases"],
                    zip(
                        names,
                        summary.frequency,
                        summary.recency,
                        summary.T,
                        alive,
                        expected,
                        strict=True,
                    ),
                )
            return {
                "model": "bgnbd",
                "r": model.r,
                "alpha": model.alpha,
                "a": model.a,
                "b": model.b,
                "log_likelihood": model.log_likelihood,
                "customers": model.customers,
                **common,
            }
        spend = gammagamma.fit(summary.frequency, summary.monetary_value)
        if options["per_customer"]:
            expected_spend = gammagamma.expected_spend(
                spend, summary.frequency, summary.monetary_value
            )
            _write_csv(
                options["per_customer"],
                ["customer", "frequency", "monetary_value", "expected_spend"],
                zip(names, summary.frequency, summary.monetary_value, expected_spend, strict=True),
            )
        return {
            "model": "gammagamma",
            "p": spend.p,
            "q": spend.q,
            "v": spend.v,
            "log_likelihood": spend.log_likelihood,
            "customers": spend.customers,
            **common,
        }

    # --- Markov -------------------------------------------------------------------------

    def _markov(self, options: dict[str, Any]) -> dict[str, Any]:
        path: Path = options["history"]
        if not path.is_file():
            raise _bad(_("%(path)s: no such file") % {"path": path})
        history = read_state_history(
            path,
            customer=options["customer_col"],
            period=options["period_col"],
            state=options["state_col"],
        )
        states = _states(history, options["states"])
        index = {state: i for i, state in enumerate(states)}
        unknown = sorted(set(history.state) - set(index))
        if unknown:
            raise _bad(
                _("%(path)s: states not in --states: %(states)s")
                % {"path": path, "states": ", ".join(unknown)}
            )
        absorbing_name = options["absorbing"] or ("lost" if "lost" in index else None)
        if absorbing_name is not None and absorbing_name not in index:
            raise _bad(
                _("--absorbing: %(state)r is not one of the states") % {"state": absorbing_name}
            )
        ranks, labels = _period_ranks(history.period)
        state_ids = np.array([index[s] for s in history.state], dtype=np.int64)
        counts = markov.history_counts(history.customer, ranks, state_ids, len(states))
        absorbing = (index[absorbing_name],) if absorbing_name is not None else ()
        chain = markov.estimate(
            counts, smoothing=options["smoothing"], absorbing=absorbing, states=states
        )
        # Each customer in its latest known state (a customer lost earlier stays lost).
        order = np.lexsort((ranks, history.customer))
        latest = np.ones(order.size, dtype=bool)
        latest[:-1] = history.customer[order][1:] != history.customer[order][:-1]
        mix = np.bincount(state_ids[order][latest], minlength=len(states)).astype(np.float64)
        if options["steps"] < 0:
            raise _bad(_("--steps: must be ≥ 0"))
        forecast = chain.forecast(mix, options["steps"])
        result: dict[str, Any] = {
            "model": "markov",
            "states": list(states),
            "transition": chain.transition.tolist(),
            "counts": chain.counts.tolist(),
            "customers": len(history.names),
            "periods": len(labels),
            "last_period": labels[-1],
            "mix": mix.tolist(),
            "forecast": forecast.tolist(),
        }
        if absorbing:
            steps = markov.expected_steps_to_absorption(chain.transition, absorbing[0])
            result["periods_until_" + states[absorbing[0]]] = {
                state: (None if not np.isfinite(v) else float(v))
                for state, v in zip(states, steps, strict=True)
            }
        return result

    # --- output -------------------------------------------------------------------------

    def _write(self, result: dict[str, Any], fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        console = Console(width=160, record=True, file=io.StringIO())
        if result["model"] == "markov":
            table = Table(title=f"Transition matrix ({result['customers']} customers)")
            table.add_column("from \\ to")
            for state in result["states"]:
                table.add_column(state, justify="right")
            for state, row in zip(result["states"], result["transition"], strict=True):
                table.add_row(state, *[f"{value:.4f}" for value in row])
            console.print(table)
            if result["forecast"]:
                mix = Table(title=f"Forecast of the mix after {result['last_period']}")
                mix.add_column("step", justify="right")
                for state in result["states"]:
                    mix.add_column(state, justify="right")
                for step, row in enumerate(result["forecast"], start=1):
                    mix.add_row(str(step), *[f"{value:.1f}" for value in row])
                console.print(mix)
            for key, values in result.items():
                if key.startswith("periods_until_"):
                    waits = ", ".join(
                        f"{state} {'∞' if v is None else f'{v:.1f}'}" for state, v in values.items()
                    )
                    console.print(f"{key.replace('_', ' ')}: {waits}")
        else:
            table = Table(
                title=f"{result['model']} ({result['period']}s, up to {result['calibration_end']})"
            )
            table.add_column("parameter")
            table.add_column("value", justify="right")
            for key, value in result.items():
                if key in {"model", "period", "calibration_end"}:
                    continue
                table.add_row(key, f"{value:.6g}" if isinstance(value, float) else str(value))
            console.print(table)
        self.stdout.write(console.export_text(), ending="")


def _states(history: StateHistory, given: str | None) -> tuple[str, ...]:
    if given:
        states = tuple(part.strip() for part in given.split(",") if part.strip())
        if len(set(states)) != len(states) or not states:
            raise _bad(_("--states: give each state once, comma-separated"))
        return states
    seen = set(history.state)
    if seen <= set(markov.CLASS_STATES):
        return markov.CLASS_STATES
    return tuple(sorted(seen))


def _period_ranks(periods: list[str]) -> tuple[np.ndarray, list[str]]:
    """Consecutive integers for consecutive periods: months (2024-03 or any date in it) by
    their month number, whole numbers as they are, other texts in sorted order."""
    months = [MONTH.match(value) for value in periods]
    if all(m is not None and 1 <= int(m.group(2)) <= 12 for m in months):
        numbers = np.array([int(m.group(1)) * 12 + int(m.group(2)) - 1 for m in months if m])
        labels = sorted({f"{n // 12:04d}-{n % 12 + 1:02d}" for n in numbers.tolist()})
        return numbers - numbers.min(), labels
    if all(value.lstrip("-").isdigit() for value in periods):
        numbers = np.array([int(value) for value in periods])
        return numbers - numbers.min(), [str(n) for n in sorted(set(numbers.tolist()))]
    labels = sorted(set(periods))
    rank = {label: i for i, label in enumerate(labels)}
    return np.array([rank[value] for value in periods]), labels


def _write_csv(path: Path, header: list[str], rows: Any) -> None:
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    [
                        spreadsheet_safe(value) if isinstance(value, str) else f"{value:.10g}"
                        for value in row
                    ]
                )
    except OSError as error:
        raise _bad(f"--per-customer: {path}: {error.strerror}") from error
