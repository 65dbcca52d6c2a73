"""`kam score [--as-of DATE] [--history]`: compute and store the portfolio snapshot (§2–§6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kam.core.dates import today
from kam.core.errors import DomainError
from kam.core.validators import in_calendar, outside_calendar_message
from kam.portfolio.services.scoring import history_dates, score_history, score_portfolio


def parse_date(value: str) -> dt.date:
    """An --as-of date: ISO, in the calendar kam accepts; else exit 2 naming the option."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--as-of: {value!r} is not a date (YYYY-MM-DD)", returncode=2
        ) from error
    if not in_calendar(day):
        raise CommandError(f"--as-of: {value!r} is {outside_calendar_message()}", returncode=2)
    return day


class Command(BaseCommand):
    help = "Score every account and group as of a date and store the snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="The date to score as of (default: today).")
        parser.add_argument(
            "--history",
            action="store_true",
            help="Also back-fill a snapshot at every month end of the ledger.",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_date(options["as_of"]) if options["as_of"] else today()
        dates = history_dates(as_of) if options["history"] else [as_of]
        console = Console(stderr=True)
        with Progress(
            TextColumn("scoring"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["quiet"],
        ) as bar:
            task = bar.add_task("score", total=len(dates))
            try:

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done)

                if options["history"]:
                    outcome = score_history(as_of=as_of, progress=progress)
                else:
                    outcome = score_portfolio(dates=dates, progress=progress)
            except DomainError as error:
                raise CommandError(error.message, returncode=2) from error
        self.stdout.write(
            f"scored {outcome.accounts} accounts and {outcome.groups} groups "
            f"on {len(outcome.dates)} date(s), the last {outcome.dates[-1].isoformat()}"
        )
