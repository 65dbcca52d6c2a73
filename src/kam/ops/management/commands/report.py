"""`kam report portfolio [--as-of DATE] [--format table|csv|json] [--scope entity|group]` and
`kam report risk [--as-of DATE] [--format table|csv|json]` (DOMAIN §10).

It lives in ops, above both apps: portfolio never imports risk (ARCHITECTURE's layers)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from kam.core.export import spreadsheet_safe
from kam.org.models import Role, User
from kam.org.selectors import user_named
from kam.portfolio.management.commands.score import parse_date
from kam.portfolio.models import Scope
from kam.portfolio.report import REPORT_COLUMNS, report_rows
from kam.portfolio.selectors import PortfolioFilters, portfolio
from kam.risk.listing import RISK_REPORT_COLUMNS, risk_report_rows, risk_score_date


def _reader(name: str | None) -> User:
    if name:
        user = user_named(name)
        if user is None:
            raise CommandError(f"--user: no active user named {name!r}", returncode=2)
        return user
    # The command line is the operator's: it reads as an executive, who sees everything.
    return User(username="cli", role=Role.EXECUTIVE, is_active=True)


class Command(BaseCommand):
    help = "Reports from the stored snapshots."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        report = sub.add_parser("portfolio", help="One row per account as of a date.")
        report.add_argument("--as-of", help="Use the snapshot of this date (or the one before).")
        report.add_argument("--format", choices=["table", "csv", "json"], default="table")
        report.add_argument("--scope", choices=[s.value for s in Scope], default=Scope.ENTITY)
        report.add_argument("--user", help="Show only what this user may see.")
        risk = sub.add_parser("risk", help="Each account's stored risk as of a date (§10).")
        risk.add_argument("--as-of", help="Use the risk scores of this date (or the one before).")
        risk.add_argument("--format", choices=["table", "csv", "json"], default="table")
        risk.add_argument("--user", help="Show only what this user may see.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "risk":
            self._risk(options)
            return
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        actor = _reader(options["user"])
        date, rows = portfolio(
            actor=actor, filters=PortfolioFilters(as_of=as_of, scope=options["scope"])
        )
        if date is None:
            raise CommandError(
                "no snapshot on or before that date: run `kam score` first", returncode=2
            )
        data = report_rows(rows)
        fmt = options["format"]
        if fmt == "json":
            payload = {"as_of": date.isoformat(), "scope": options["scope"], "accounts": data}
            self.stdout.write(
                json.dumps(payload, default=_json_default, ensure_ascii=False, indent=1)
            )
        elif fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(REPORT_COLUMNS)
            for row in data:
                writer.writerow([_csv_value(row[name]) for name in REPORT_COLUMNS])
        else:
            table = Table(title=f"Portfolio as of {date.isoformat()} ({options['scope']})")
            for name in REPORT_COLUMNS:
                table.add_column(
                    name,
                    justify="right"
                    if name in {"potential", "contribution", "score", "share_of_wallet"}
                    else "left",
                )
            for row in data:
                table.add_row(*[_table_value(row[name]) for name in REPORT_COLUMNS])
            console = Console(width=220, record=True, file=io.StringIO())
            console.print(table)
            self.stdout.write(console.export_text(), ending="")

    def _risk(self, options: dict[str, Any]) -> None:
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        actor = _reader(options["user"])
        date = risk_score_date(on_or_before=as_of)
        if date is None:
            raise CommandError(
                "no risk scores on or before that date: run `kam score` first", returncode=2
            )
        data = risk_report_rows(actor=actor, as_of=date)
        fmt = options["format"]
        if fmt == "json":
            payload = {"as_of": date.isoformat(), "accounts": data}
            self.stdout.write(
                json.dumps(payload, default=_json_default, ensure_ascii=False, indent=1)
            )
            return
        if fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(RISK_REPORT_COLUMNS)
            for row in data:
                writer.writerow(
                    [
                        _csv_value(_factors_text(row[name]) if name == "top_factors" else row[name])
                        for name in RISK_REPORT_COLUMNS
                    ]
                )
            return
        table = Table(title=f"Risk as of {date.isoformat()}")
        for name in RISK_REPORT_COLUMNS:
            table.add_column(
                name, justify="right" if name in {"churn_probability", "p_alive", "clv"} else "left"
            )
        for row in data:
            table.add_row(
                *[
                    _factors_text(row[name]) if name == "top_factors" else _table_value(row[name])
                    for name in RISK_REPORT_COLUMNS
                ]
            )
        console = Console(width=220, record=True, file=io.StringIO())
        console.print(table)
        self.stdout.write(console.export_text(), ending="")


def _factors_text(factors: object) -> str:
    """ "recency_ratio +0.81; complaints +0.42": each factor's signed log-odds contribution."""
    if not isinstance(factors, list):
        return ""
    return "; ".join(f"{item['factor']} {float(item['contribution']):+.2f}" for item in factors)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _table_value(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
