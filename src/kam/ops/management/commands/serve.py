"""`kam serve [--bind HOST:PORT]`: the production server (gunicorn) with static files.

Each instance keeps its control socket (for `gunicornc -s`) and its pid file under
KAM_HOME/run/, named after its bind address: gunicorn's default socket is one per user
(~/.gunicorn/gunicorn.ctl), so a second server took it over and stopping the first removed it."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication

from kam.ops.supervisor import STOP_TIMEOUT, stop_with_parent


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Imported late: WhiteNoise indexes the static files when the app is built, which
        # must happen after collectstatic.
        from kam.wsgi import application

        return application


# A Unix socket's path must fit sockaddr_un.sun_path (108 bytes on Linux, with its NUL).
SOCKET_PATH_MAX = 107


def startup_lines(bind: str, *, https: bool, redirect: bool) -> list[str]:
    """What `kam serve` says first: the address to open in a browser and why (a newcomer's
    plain-HTTP browser meets an HTTPS redirect nobody answers otherwise)."""
    host, _sep, port = bind.rpartition(":")
    local = host in {"0.0.0.0", "[::]", "::", ""}  # noqa: S104 - naming, not binding
    url = f"http://{'127.0.0.1' if local else host}:{port}/"
    if not https:
        return [
            _("kam is serving on %(url)s: open that address in a browser.") % {"url": url},
            _(
                "HTTPS is off (KAM_HTTPS=false): fine on this machine; in production put kam "
                "behind a TLS proxy and set KAM_HTTPS=true."
            ),
        ]
    if redirect:
        return [
            _("kam is listening on plain HTTP at %(url)s with KAM_HTTPS=true.") % {"url": url},
            _(
                "A browser opening that address is redirected to https://, which kam itself "
                "does not serve: open the https:// address of the TLS proxy in front of kam, or "
                "on this machine without a proxy start it with KAM_HTTPS=false."
            ),
        ]
    return [
        _("kam is serving plain HTTP at %(url)s for the TLS proxy in front of it.") % {"url": url},
        _(
            "Open the proxy's https:// address (KAM_HTTPS=true, KAM_SSL_REDIRECT=false: the "
            "proxy redirects plain HTTP)."
        ),
    ]


def _instance_files(bind: str, control_socket: Path | None) -> dict[str, str]:
    """This instance's gunicorn control socket and pid file, named after its bind address."""
    run = Path(settings.KAM_HOME) / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    name = "serve-" + re.sub(r"[^A-Za-z0-9.-]+", "-", bind).strip("-")
    socket = control_socket or run / f"{name}.ctl"
    if len(str(socket).encode()) > SOCKET_PATH_MAX:
        # A deep KAM_HOME: a short name in the temporary directory, still one per instance.
        digest = hashlib.sha256(str(socket).encode()).hexdigest()[:16]
        socket = Path(tempfile.gettempdir()) / f"kam-{digest}.ctl"
    return {"control_socket": str(socket), "pidfile": str(run / f"{name}.pid")}


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    with path.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


class Command(BaseCommand):
    help = "Serve kam with gunicorn; static files are collected and served by whitenoise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KAM_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("KAM_WORKERS", "2")))
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--control-socket",
            type=Path,
            help=_(
                "The gunicorn control socket of this instance (default "
                "KAM_HOME/run/serve-HOST-PORT.ctl)."
            ),
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run a background job worker (one machine set-ups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            # Instances on one home share its static files: one collects at a time.
            with _lock(Path(settings.KAM_HOME) / "run" / "collectstatic.lock"):
                call_command("collectstatic", interactive=False, verbosity=0)
        for line in startup_lines(
            options["bind"],
            https=settings.HTTPS,
            redirect=getattr(settings, "SECURE_SSL_REDIRECT", False),
        ):
            self.stdout.write(line)
        worker = None
        if options["with_worker"]:
            # A supervisor process restarts the worker whenever it exits (kam.ops.supervisor).
            worker = subprocess.Popen(
                [sys.executable, "-m", "kam.cli", "worker", "--supervise"],
                preexec_fn=stop_with_parent,  # noqa: PLW1509 - no threads run yet
            )
        try:
            _Server(
                {
                    "bind": options["bind"],
                    "workers": options["workers"],
                    "threads": 4,
                    "accesslog": "-",
                    "timeout": 120,
                    **_instance_files(options["bind"], options["control_socket"]),
                }
            ).run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=STOP_TIMEOUT + 10)
