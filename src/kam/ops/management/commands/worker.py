"""`kam worker`: run background jobs (imports, scoring) from the database queue, and the
scheduled jobs when they are due."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kam.ops.scheduler.worker import run_worker
from kam.ops.supervisor import WorkerSupervisor


class Command(BaseCommand):
    help = "Run the background job worker (the tasks framework's database backend)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs waiting now, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )
        parser.add_argument(
            "--supervise",
            action="store_true",
            help="Run the worker as a child process and start it again whenever it exits.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["supervise"]:
            command = [sys.executable, "-m", "kam.cli", "worker"]
            command += ["--interval", str(options["interval"])]
            WorkerSupervisor(command).run()
            return
        # The tasks framework's database worker, ticking the scheduler of periodic jobs.
        run_worker(
            interval=options["interval"], batch=options["batch"], verbosity=options["verbosity"]
        )
