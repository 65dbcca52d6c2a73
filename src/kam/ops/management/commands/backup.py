"""`kam backup PATH [--force]`: the whole database in one file (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kam.ops.backup import BackupRefused, backup_write


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) into one file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help=_("The backup file to write (or a directory to write it in).")
        )
        parser.add_argument(
            "--force", action="store_true", help=_("Replace the file if it exists.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = backup_write(options["path"], overwrite=options["force"])
        except BackupRefused as refused:
            raise CommandError(str(refused), returncode=2) from refused
        self.stdout.write(
            _(
                "%(path)s: backup of the %(store)s database, %(tables)s tables, %(rows)s rows, "
                "%(size)s bytes."
            )
            % {
                "path": written.path,
                "store": written.store,
                "tables": written.tables,
                "rows": written.rows,
                "size": written.size,
            }
        )
