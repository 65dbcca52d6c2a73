"""Deployment checks of kam's own: the files that hold secrets are private to kam's user."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

PRIVATE_FILE_OPEN = "kam.W001"


@checks.register(checks.Tags.security, deploy=True)
def private_files_are_private(app_configs: Any = None, **kwargs: Any) -> list[checks.Warning]:
    """The secret key file and the SQLite database (with its -wal and -shm) must not be
    readable or writable by group or others: they hold the key that signs sessions and every
    customer's figures."""
    return [
        checks.Warning(
            _("%(path)s can be read or written by other users (mode %(mode)s).")
            % {"path": path, "mode": f"{mode:04o}"},
            hint=_("chmod 600 %(path)s") % {"path": path},
            id=PRIVATE_FILE_OPEN,
        )
        for path in _private_files()
        if path.exists() and (mode := stat.S_IMODE(path.stat().st_mode)) & 0o077
    ]


def _private_files() -> list[Path]:
    files = [] if os.environ.get("KAM_SECRET_KEY") else [Path(settings.KAM_HOME) / "secret_key"]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(str(database["NAME"]))
        files += [name, name.with_name(name.name + "-wal"), name.with_name(name.name + "-shm")]
    return files
