"""`kam backup PATH [--force]`: the whole database in one file (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.ops.backup import backup_write
from kam.ops.commands import BackupFileCommand


class Command(BackupFileCommand):
    summary = gettext_lazy("Back up the database (SQLite online backup or pg_dump) into one file.")
    path_help = gettext_lazy("The backup file to write (or a directory to write it in).")
    force_help = gettext_lazy("Replace the file if it exists.")

    def run(self, path: Path, *, force: bool) -> list[str]:
        written = backup_write(path, overwrite=force)
        return [
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
        ]
