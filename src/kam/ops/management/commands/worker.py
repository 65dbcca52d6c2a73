"""`kam worker`: run background jobs (imports, scoring) from the database queue."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background job worker (the tasks framework's database backend)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs waiting now, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
