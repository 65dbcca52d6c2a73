"""`kam worker`: run background jobs (imports, scoring) from the queue (the database, or Redis
with KAM_QUEUE_URL), and the scheduled jobs when they are due."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kam.ops.scheduler.worker import run_worker
from kam.ops.supervisor import WorkerSupervisor


class Command(BaseCommand):
    help = "Run the background job worker (the database queue, or Redis with KAM_QUEUE_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs waiting now, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="Worker processes side by side (with KAM_QUEUE_URL).",
        )
        parser.add_argument(
            "--supervise",
            action="store_true",
            help="Run the worker as a child process and start it again whenever it exits.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        processes = options["processes"]
        if processes < 1:
            raise CommandError(_("--processes must be at least 1."), returncode=2)
        if options["supervise"]:
            command = [sys.executable, "-m", "kam.cli", "worker"]
            command += ["--interval", str(options["interval"])]
            command += ["--processes", str(options["processes"])]
            WorkerSupervisor(command).run()
            return
        if settings.QUEUE_URL:
            from kam.ops.scheduler.rq_worker import run_rq_worker

            run_rq_worker(
                interval=options["interval"],
                batch=options["batch"],
                processes=processes,
                verbosity=options["verbosity"],
            )
            return
        if processes > 1:
            raise CommandError(
                _(
                    "Several worker processes need KAM_QUEUE_URL; on the database queue, "
                    "start `kam worker` once per process."
                ),
                returncode=2,
            )
        # The tasks framework's database worker, ticking the scheduler of periodic jobs.
        run_worker(
            interval=options["interval"], batch=options["batch"], verbosity=options["verbosity"]
        )
