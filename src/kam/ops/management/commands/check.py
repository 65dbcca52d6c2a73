"""`kam check [--deploy]`: Django's system checks; with `--deploy` a warning fails too.

Django's command exits non-zero only on errors, so a production set-up with insecure
settings (deployment checks are warnings) would pass a script's `kam check --deploy`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.core.management.commands import check
from django.utils.translation import gettext as _

# Registers kam's deployment checks; they run only here, under `kam check --deploy`.
from kam.ops import checks  # noqa: F401


class Command(check.Command):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(fail_level=None)
        for action in parser._actions:  # argparse offers no public way to reword it
            if action.dest == "fail_level":
                action.help = _(
                    "Message level that makes the command exit non-zero: WARNING with "
                    "--deploy, else ERROR."
                )

    def handle(self, *app_labels: list[str], **options: Any) -> None:
        if options["fail_level"] is None:
            options["fail_level"] = "WARNING" if options["deploy"] else "ERROR"
        super().handle(*app_labels, **options)
