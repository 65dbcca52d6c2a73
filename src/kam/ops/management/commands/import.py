"""`kam import ledger|accounts|costs|contacts PATH …`: load a file whole or not at all.

`kam import ledger PATH [--map SRC=DST …] [--date-format F] [--dry-run] [--errors PATH]
[--no-create-accounts]` loads an ERP export; the others load master data the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
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
    write_rows_report,
)
from kam.org.models import User
from kam.portfolio.importing import costs_import
from kam.relationships.importing import contacts_import


class Command(BaseCommand):
    help = "Import master or transaction data from CSV, XLSX or Parquet files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        kinds = {
            "ledger": (
                "Import sales ledger (invoice or order) lines.",
                "strptime form, e.g. %%d.%%m.%%Y",
                "Record the import as this user.",
            ),
            "accounts": (
                "Import customer master data.",
                "strptime form of potential_date.",
                "The director or administrator importing.",
            ),
            "costs": (
                "Import cost to serve per account and month.",
                "strptime form of month.",
                "The user recording the costs.",
            ),
            "contacts": (
                "Import the people at each customer.",
                "strptime form of the dates.",
                "The user recording the contacts.",
            ),
        }
        for kind, (about, date_help, user_help) in kinds.items():
            command = sub.add_parser(kind, help=about)
            command.add_argument("path", type=Path)
            command.add_argument(
                "--map",
                action="append",
                default=[],
                metavar="SRC=DST",
                help="The file's column SRC holds kam's field DST (repeatable).",
            )
            command.add_argument("--date-format", help=date_help)
            command.add_argument(
                "--dry-run", action="store_true", help="Validate and count, change nothing."
            )
            command.add_argument(
                "--errors", type=Path, metavar="PATH", help="Write the rejected rows here as CSV."
            )
            # Only the ledger may be imported anonymously (a system export run by cron).
            command.add_argument("--user", required=kind != "ledger", help=user_help)
            if kind == "ledger":
                command.add_argument("--delimiter", help="Force the CSV delimiter.")
                command.add_argument("--encoding", help="Force the text encoding (e.g. gb18030).")
                command.add_argument(
                    "--no-create-accounts",
                    action="store_true",
                    help="Reject unknown customer codes instead of creating prospects.",
                )

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
        path, actor = self._file_and_user(options)
        console = Console(stderr=True)
        try:
            mapping = parse_map_options(options["map"])
            expected = count_data_rows(
                path, sniff(path, delimiter=options["delimiter"], encoding=options["encoding"])
            )
            with Progress(
                TextColumn("[bold]" + _("importing")),
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
            raise _rejected(path, error) from error
        if result.status == "rejected":
            self._reject(path, result.errors, options["errors"], result.error_count)
        if result.status == "duplicate":
            self.stdout.write(
                _("%(file)s: nothing to do: %(message)s.")
                % {"file": path.name, "message": result.message}
            )
            return
        read = _("%(count)s row(s) read; %(message)s.") % {
            "count": result.rows_read,
            "message": result.message,
        }
        if result.status == "imported":
            read += " " + _("Batch %(batch)s.") % {"batch": result.batch_id}
        self.stdout.write(_line(path, result.status, read))
        if result.accounts_created:
            shown = ", ".join(result.accounts_created[:20])
            more = len(result.accounts_created) - 20
            self.stdout.write(
                _("New prospect accounts: %(codes)s") % {"codes": shown}
                + (" " + _("and %(count)s more") % {"count": more} if more > 0 else "")
            )

    def _file_and_user(self, options: dict[str, Any]) -> tuple[Path, User | None]:
        """The file and the acting user (None only for a ledger import without --user)."""
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path}, returncode=2)
        if not options["user"]:
            return path, None
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(
                _("no active user named %(name)r") % {"name": options["user"]}, returncode=2
            )
        return path, actor

    def _reject(
        self, path: Path, errors: list[RowError], report: Path | None, count: int | None = None
    ) -> None:
        """The first bad values on stderr, all of them in the report; exit 2."""
        count = len(errors) if count is None else count
        report = report or path.with_name(path.stem + ".errors.csv")
        write_rows_report(errors, report)
        for bad in sorted(errors, key=lambda e: (e.row, e.column))[:20]:
            self.stderr.write(
                _("row %(row)s, %(column)s: %(reason)s")
                % {"row": bad.row, "column": bad.column, "reason": bad.reason}
                + (f" ({bad.value!r})" if bad.value else "")
            )
        if count > 20:
            self.stderr.write(_("… and %(count)s more") % {"count": count - 20})
        raise CommandError(
            _(
                "%(file)s: rejected, %(count)s bad value(s); nothing was imported. "
                "Error report: %(report)s"
            )
            % {"file": path.name, "count": count, "report": report},
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
            raise _rejected(path, error) from error
        if result.status == "rejected":
            self._reject(path, result.errors, options["errors"])
        rows = _("%(count)s row(s): %(summary)s.") % {
            "count": result.rows_read,
            "summary": summary(result),
        }
        self.stdout.write(_line(path, result.status, rows))

    def _costs(self, options: dict[str, Any]) -> None:
        self._master_data(
            options,
            costs_import,
            lambda r: (
                _("%(added)s cost record(s) for %(accounts)s account(s), %(replaced)s replaced")
                % {"added": r.records_added, "accounts": r.accounts, "replaced": r.records_replaced}
            ),
        )

    def _contacts(self, options: dict[str, Any]) -> None:
        self._master_data(
            options,
            contacts_import,
            lambda r: (
                _("%(created)s contact(s) created, %(updated)s updated")
                % {"created": r.created, "updated": r.updated}
            ),
        )

    def _accounts(self, options: dict[str, Any]) -> None:
        self._master_data(
            options,
            accounts_import,
            lambda r: (
                _("%(created)s created, %(updated)s updated, %(estimates)s potential estimate(s)")
                % {
                    "created": len(r.created),
                    "updated": len(r.updated),
                    "estimates": r.estimates_added,
                }
            ),
        )


def _rejected(path: Path, error: Exception) -> CommandError:
    return CommandError(
        _("%(file)s: rejected: %(reason)s") % {"file": path.name, "reason": error}, returncode=2
    )


def _line(path: Path, status: str, text: str) -> str:
    if status == "dry_run":
        return _("%(file)s: dry run, nothing changed: %(text)s") % {"file": path.name, "text": text}
    return f"{path.name}: {text}"
