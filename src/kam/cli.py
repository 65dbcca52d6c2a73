"""The `kam` console script: Django's management commands under one name.

An unusable home (missing and not creatable, read-only) and a full or read-only disk met by a
command end with one line naming the path and what to do, and exit code 2, not a traceback."""

from __future__ import annotations

import errno
import gettext as gettext_module
import os
import sys
from pathlib import Path
from typing import NoReturn


def gettext_noop(message: str) -> str:
    """Mark `message` for the catalog (makemessages knows this name); shown translated.

    Django's own gettext_noop needs the settings, which may be what failed."""
    return message


# The errors of the machine, not of kam or its input: the operator can act on each.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
# SQLite's result codes for the same conditions (primary code in the low byte of
# sqlite3.Error.sqlite_errorcode): SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN.
SQLITE_ERRNOS = {8: errno.EROFS, 10: errno.EIO, 13: errno.ENOSPC, 14: errno.EACCES}
EXIT_BAD_ENVIRONMENT = 2


HOME_UNUSABLE = gettext_noop(
    "kam: KAM_HOME %(home)s cannot be used: %(reason)s. Create it writable by this user, "
    "or set KAM_HOME to a directory this user can write."
)
CONFIGURATION_ERROR = gettext_noop("kam: configuration error: %(error)s")
DISK_FULL = gettext_noop(
    "kam: %(path)s: %(reason)s. Free space on that disk (or raise the quota), then run the "
    "command again."
)
NO_ACCESS = gettext_noop(
    "kam: %(path)s: %(reason)s. Give this user access to it (or point KAM_HOME or the "
    "command at a place it can write), then run the command again."
)

SERVER_DISK_FULL = gettext_noop(
    "kam: the PostgreSQL server is out of disk space (%(reason)s). Free space on the "
    "server's data disk, then run the command again."
)
# SQLSTATE disk_full: the server's own disk, reported by psycopg as errors.DiskFull.
POSTGRESQL_DISK_FULL = "53100"


def main(argv: list[str] | None = None) -> None:
    """Run a kam command (`kam help` lists them)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    _load_settings()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["kam", *(sys.argv[1:] if argv is None else argv)])
    except OSError as error:
        if error.errno not in DISK_ERRNOS:
            raise
        _exit(_disk_message(error.errno, error.filename, error.strerror, early=False))
    except Exception as error:
        if _postgresql_disk_full(error):
            _exit(_translate(SERVER_DISK_FULL, early=False) % {"reason": _first_line(error)})
        if (code := _sqlite_code(error)) is None:
            raise
        from django.conf import settings

        # SQLite names no file; the condition is the database file's or its directory's.
        reason = SQLITE_ERRNOS[code]
        database = str(settings.DATABASES["default"]["NAME"])
        _exit(_disk_message(reason, database, os.strerror(reason), early=False))


def _load_settings() -> None:
    """Read the settings now, where their failures can be told in one line."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - the first read loads kam.settings
    except ImproperlyConfigured as error:
        # kam.settings.HomeUnusable, told by its fields: a settings module that failed to
        # import cannot be imported again for its class without running it again.
        if hasattr(error, "home"):
            _exit(
                _translate(HOME_UNUSABLE, early=True)
                % {"home": error.home, "reason": getattr(error, "reason", "")}
            )
        _exit(_translate(CONFIGURATION_ERROR, early=True) % {"error": error})
    except OSError as error:
        _exit(_disk_message(error.errno, error.filename, error.strerror, early=True))


def _disk_message(code: int | None, path: object, reason: str | None, *, early: bool) -> str:
    """One line: the path, the system's reason and what the operator can do."""
    template = DISK_FULL if code in {errno.ENOSPC, errno.EDQUOT} else NO_ACCESS
    return _translate(template, early=early) % {
        "path": path or os.environ.get("KAM_HOME", ""),
        "reason": reason or os.strerror(code or 0),
    }


def _sqlite_code(error: BaseException | None) -> int | None:
    """SQLite's primary result code when `error` (or what it wraps) is a disk condition."""
    import sqlite3

    while error is not None:
        if isinstance(error, sqlite3.Error):
            code = getattr(error, "sqlite_errorcode", None)
            if code is not None and code & 0xFF in SQLITE_ERRNOS:
                return int(code & 0xFF)
            return None
        error = error.__cause__
    return None


def _postgresql_disk_full(error: BaseException | None) -> bool:
    while error is not None:
        if getattr(error, "sqlstate", None) == POSTGRESQL_DISK_FULL:
            return True
        error = error.__cause__
    return False


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _translate(message: str, *, early: bool) -> str:
    """Before Django's settings exist, read the same catalog with the stdlib."""
    if not early:
        from django.utils.translation import gettext

        return gettext(message)
    from django.utils.translation import to_locale

    language = os.environ.get("KAM_LANGUAGE", "en").strip().lower() or "en"
    catalog = gettext_module.translation(
        "django",
        localedir=Path(__file__).resolve().parent / "locale",
        languages=[to_locale(language)],
        fallback=True,
    )
    return catalog.gettext(message)


def _exit(message: str) -> NoReturn:
    sys.stderr.write(message + "\n")
    raise SystemExit(EXIT_BAD_ENVIRONMENT)


if __name__ == "__main__":
    main()
