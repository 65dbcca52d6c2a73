"""`kam import KIND PATH …`: load a file whole or not at all, with an importer an app registered.

`kam import ledger PATH [--map SRC=DST …] [--date-format F] [--dry-run] [--errors PATH]
[--no-create-accounts]` loads an ERP export; accounts, costs and contacts load master data the
same way. Each kind and its own options come from the kam.importing registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kam.core.errors import DomainError
from kam.importing.mapping import parse_map_options
from kam.importing.reading import FileRejected, count_data_rows, sniff
from kam.importing.registry import ImportRequest, importer_for, importers
from kam.importing.results import RowError
from kam.ledger.services import write_rows_report
from kam.org.models import User
from kam.org.selectors import user_named


class Command(BaseCommand):
    help = "Import master or transaction data from CSV, XLSX or Parquet files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        for importer in importers():
            command = sub.add_parser(importer.kind, help=importer.help)
            command.add_argument("path", type=Path)
            command.add_argument(
                "--map",
                action="append",
                default=[],
                metavar="SRC=DST",
                help="The file's column SRC holds kam's field DST (repeatable).",
            )
            command.add_argument("--date-format", help=importer.date_help)
            command.add_argument(
                "--dry-run", action="store_true", help="Validate and count, change nothing."
            )
            command.add_argument(
                "--errors", type=Path, metavar="PATH", help="Write the rejected rows here as CSV."
            )
            # Only some kinds may run anonymously (the ledger: a system export run by cron).
            command.add_argument("--user", required=not importer.anonymous, help=importer.user_help)
            for option in importer.options:
                if option.switch:
                    command.add_argument(
                        option.flag,
                        dest=option.name,
                        action="store_false" if option.default else "store_true",
                        help=option.help,
                    )
                else:
                    command.add_argument(option.flag, dest=option.name, help=option.help)

    def handle(self, *args: Any, **options: Any) -> None:
        importer = importer_for(options["what"])
        path, actor = self._file_and_user(options)
        extras = {option.name: options[option.name] for option in importer.options}
        console = Console(stderr=True)
        try:
            mapping = parse_map_options(options["map"])
            expected = count_data_rows(
                path,
                sniff(path, delimiter=extras.get("delimiter"), encoding=extras.get("encoding")),
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
                result = importer.load(
                    ImportRequest(
                        actor=actor,
                        path=path,
                        file_name=path.name,
                        mapping=mapping,
                        date_format=options["date_format"],
                        dry_run=options["dry_run"],
                        progress=lambda rows: bar.update(task, completed=rows),
                        options=extras,
                    )
                )
        except (FileRejected, DomainError) as error:
            raise _rejected(path, error) from error
        if result.status == "rejected":
            self._reject(path, result.errors, options["errors"], result.error_count)
        first, *more = importer.summary(result)
        self.stdout.write(_line(path, result.status, first))
        for line in more:
            self.stdout.write(line)

    def _file_and_user(self, options: dict[str, Any]) -> tuple[Path, User | None]:
        """The file and the acting user (None only for an anonymous kind without --user)."""
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path}, returncode=2)
        if not options["user"]:
            return path, None
        actor = user_named(options["user"])
        if actor is None:
            raise CommandError(
                _("no active user named %(name)r") % {"name": options["user"]}, returncode=2
            )
        return path, actor

    def _reject(self, path: Path, errors: list[RowError], report: Path | None, count: int) -> None:
        """The first bad values on stderr, all of them in the report; exit 2."""
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


def _rejected(path: Path, error: Exception) -> CommandError:
    return CommandError(
        _("%(file)s: rejected: %(reason)s") % {"file": path.name, "reason": error}, returncode=2
    )


def _line(path: Path, status: str, text: str) -> str:
    if status == "dry_run":
        return _("%(file)s: dry run, nothing changed: %(text)s") % {"file": path.name, "text": text}
    if status == "duplicate":
        return _("%(file)s: nothing to do: %(message)s.") % {"file": path.name, "message": text}
    return f"{path.name}: {text}"
