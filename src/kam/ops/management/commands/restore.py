"""`kam restore PATH [--force]`: put a `kam backup` file back (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kam.ops.backup import BackupRefused, restore


class Command(BaseCommand):
    help = "Restore a kam backup into an empty database (or, with --force, over one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help=_("The file written by kam backup."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Replace everything in a database that already holds kam tables."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = restore(options["path"], force=options["force"])
        except BackupRefused as refused:
            raise CommandError(str(refused), returncode=2) from refused
        self.stdout.write(
            _(
                "Restored %(tables)s tables, %(rows)s rows, from a backup made by kam %(version)s "
                "at %(created)s; every table holds the rows the backup counted."
            )
            % {
                "tables": restored.tables,
                "rows": restored.rows,
                "version": restored.kam_version,
                "created": restored.created_at,
            }
        )
        if restored.pending_migrations:
            self.stdout.write(
                _("Migrations of this kam not applied yet: %(count)s; run kam migrate.")
                % {"count": len(restored.pending_migrations)}
            )
        else:
            self.stdout.write(_("The migrations match this kam."))
