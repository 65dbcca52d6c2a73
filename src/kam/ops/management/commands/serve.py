"""`kam serve [--bind HOST:PORT]`: the production server (gunicorn) with static files."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
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


class Command(BaseCommand):
    help = "Serve kam with gunicorn; static files are collected and served by whitenoise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KAM_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("KAM_WORKERS", "2")))
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run a background job worker (one machine set-ups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"kam serving on http://{options['bind']}/")
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
                }
            ).run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=STOP_TIMEOUT + 10)
