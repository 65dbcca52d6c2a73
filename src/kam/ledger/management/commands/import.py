"""`kam import ledger|accounts|costs|contacts PATH …`: load a file whole or not at all.

`kam import ledger PATH [--map SRC=DST …] [--date-format F] [--dry-run] [--errors PATH]
[--no-create-accounts]` loads an ERP export; the others load master data the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kam.accounts.importing import accounts_import
from kam.core.errors import DomainError
from kam.ledger.importing.mapping import parse_map_options
from kam.ledger.importing.reading import FileRejected, sniff
from kam.ledger.services import (
    RowError,
    count_data_rows,
    ledger_import,
    write_error_report,
    write_rows_report,
)
from kam.org.models import User
from kam.portfolio.importing import costs_import
from kam.relationships.importing import contacts_import


class Command(BaseCommand):
    help = "Import master or transaction data from CSV, XLSX or Parquet files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        ledger = sub.add_parser("ledger", help="Import sales ledger (invoice or order) lines.")
        ledger.add_argument("path", type=Path)
        ledger.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="SRC=DST",
            help="The file's column SRC holds kam's field DST (repeatable).",
        )
        ledger.add_argument("--date-format", help="strptime form, e.g. %%d.%%m.%%Y")
        ledger.add_argument("--delimiter", help="Force the CSV delimiter.")
        ledger.add_argument("--encoding", help="Force the text encoding (e.g. gb18030).")
        ledger.add_argument(
            "--dry-run", action="store_true", help="Validate and count, change nothing."
        )
        ledger.add_argument(
            "--errors", type=Path, metavar="PATH", help="Write the rejected rows here as CSV."
        )
        ledger.add_argument(
            "--no-create-accounts",
            action="store_true",
            help="Reject unknown customer codes instead of creating prospects.",
        )
        ledger.add_argument("--user", help="Record the import as this user.")
        accounts = sub.add_parser("accounts", help="Import customer master data.")
        accounts.add_argument("path", type=Path)
        accounts.add_argument("--map", action="append", default=[], metavar="SRC=DST")
        accounts.add_argument("--date-format", help="strptime form of potential_date.")
        accounts.add_argument("--dry-run", action="store_true")
        accounts.add_argument("--errors", type=Path, metavar="PATH")
        accounts.add_argument(
            "--user", required=True, help="The director or administrator importing."
        )

        costs = sub.add_parser("costs", help="Import cost to serve per account and month.")
        costs.add_argument("path", type=Path)
        costs.add_argument("--map", action="append", default=[], metavar="SRC=DST")
        costs.add_argument("--date-format", help="strptime form of month.")
        costs.add_argument("--dry-run", action="store_true")
        costs.add_argument("--errors", type=Path, metavar="PATH")
        costs.add_argument("--user", required=True, help="The user recording the costs.")

        contacts = sub.add_parser("contacts", help="Import the people at each customer.")
        contacts.add_argument("path", type=Path)
        contacts.add_argument("--map", action="append", default=[], metavar="SRC=DST")
        contacts.add_argument("--date-format", help="strptime form of the dates.")
        contacts.add_argument("--dry-run", action="store_true")
        contacts.add_argument("--errors", type=Path, metavar="PATH")
        contacts.add_argument("--user", required=True, help="The user recording the contacts.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "accounts":
            self._accounts(options)
            return
        if options["what"] == "costs":
            self._costs(options)
            return
        if options["what"] == "contacts":
            self._contacts(options)
            return
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user named {options['user']!r}", returncode=2)
        console = Console(stderr=True)
        try:
            mapping = parse_map_options(options["map"])
            expected = count_data_rows(
                path, sniff(path, delimiter=options["delimiter"], encoding=options["encoding"])
            )
            with Progress(
                TextColumn("[bold]importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task("rows", total=expected)
                result = ledger_import(
                    actor=actor,
                    path=path,
                    mapping=mapping,
                    date_format=options["date_format"],
                    delimiter=options["delimiter"],
                    encoding=options["encoding"],
                    dry_run=options["dry_run"],
                    create_accounts=not options["no_create_accounts"],
                    progress=lambda rows: bar.update(task, completed=rows),
                )
        except FileRejected as error:
            raise CommandError(f"{path.name}: rejected: {error}", returncode=2) from error
        if result.status == "rejected":
            report = options["errors"] or path.with_name(path.stem + ".errors.csv")
            write_error_report(result, report)
            for bad in sorted(result.errors[:20], key=lambda e: (e.row, e.column)):
                self.stderr.write(
                    f"row {bad.row}, {bad.column}: {bad.reason}"
                    + (f" ({bad.value!r})" if bad.value else "")
                )
            if result.error_count > 20:
                self.stderr.write(f"… and {result.error_count - 20} more")
            raise CommandError(
                f"{path.name}: rejected, {result.message}. Error report: {report}", returncode=2
            )
        if result.status == "duplicate":
            self.stdout.write(f"{path.name}: nothing to do: {result.message}.")
            return
        prefix = "dry run, nothing changed: " if result.status == "dry_run" else ""
        self.stdout.write(
            f"{path.name}: {prefix}{result.rows_read} row(s) read; "
            f"{result.message}."
            + (f" Batch {result.batch_id}." if result.status == "imported" else "")
        )
        if result.accounts_created:
            shown = ", ".join(result.accounts_created[:20])
            more = len(result.accounts_created) - 20
            self.stdout.write(
                f"New prospect accounts: {shown}" + (f" and {more} more" if more > 0 else "")
            )

    def _file_and_user(self, options: dict[str, Any]) -> tuple[Path, User]:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user named {options['user']!r}", returncode=2)
        return path, actor

    def _reject(self, path: Path, errors: list[RowError], report: Path | None) -> None:
        report = report or path.with_name(path.stem + ".errors.csv")
        write_rows_report(errors, report)
        for bad in errors[:20]:
            self.stderr.write(
                f"row {bad.row}, {bad.column}: {bad.reason}"
                + (f" ({bad.value!r})" if bad.value else "")
            )
        if len(errors) > 20:
            self.stderr.write(f"… and {len(errors) - 20} more")
        raise CommandError(
            f"{path.name}: rejected, {len(errors)} bad value(s); "
            f"nothing was imported. Error report: {report}",
            returncode=2,
        )

    def _master_data(
        self, options: dict[str, Any], importer: Callable[..., Any], summary: Callable[[Any], str]
    ) -> None:
        """Accounts, contacts or costs: the same options, the same all-or-nothing answer."""
        path, actor = self._file_and_user(options)
        try:
            result = importer(
                actor=actor,
                path=path,
                mapping=parse_map_options(options["map"]),
                date_format=options["date_format"],
                dry_run=options["dry_run"],
            )
        except (FileRejected, DomainError) as error:
            raise CommandError(f"{path.name}: rejected: {error}", returncode=2) from error
        if result.status == "rejected":
            self._reject(path, result.errors, options["errors"])
        prefix = "dry run, nothing changed: " if result.status == "dry_run" else ""
        self.stdout.write(f"{path.name}: {prefix}{result.rows_read} row(s): {summary(result)}.")

    def _costs(self, options: dict[str, Any]) -> None:
        self._master_data(
            options,
            costs_import,
            lambda r: (
                f"{r.records_added} cost record(s) for {r.accounts} account(s), "
                f"{r.records_replaced} replaced"
            ),
        )

    def _contacts(self, options: dict[str, Any]) -> None:
        self._master_data(
            options,
            contacts_import,
            lambda r: f"{r.created} contact(s) created, {r.updated} updated",
        )

    def _accounts(self, options: dict[str, Any]) -> None:
        self._master_data(
            options,
            accounts_import,
            lambda r: (
                f"{len(r.created)} created, {len(r.updated)} updated, "
                f"{r.estimates_added} potential estimate(s)"
            ),
        )
