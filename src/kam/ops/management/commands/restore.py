"""`kam restore PATH [--force]`: put a `kam backup` file back (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.ops.backup import restore
from kam.ops.commands import BackupFileCommand


class Command(BackupFileCommand):
    summary = gettext_lazy(
        "Restore a kam backup into an empty database (or, with --force, over one)."
    )
    path_help = gettext_lazy("The file written by kam backup.")
    force_help = gettext_lazy("Replace everything in a database that already holds kam tables.")

    def run(self, path: Path, *, force: bool) -> list[str]:
        restored = restore(path, force=force)
        migrations = (
            _("Migrations of this kam not applied yet: %(count)s; run kam migrate.")
            % {"count": len(restored.pending_migrations)}
            if restored.pending_migrations
            else _("The migrations match this kam.")
        )
        return [
            _(
                "Restored %(tables)s tables, %(rows)s rows, from a backup made by kam %(version)s "
                "at %(created)s; every table holds the rows the backup counted."
            )
            % {
                "tables": restored.tables,
                "rows": restored.rows,
                "version": restored.kam_version,
                "created": restored.created_at,
            },
            migrations,
        ]
