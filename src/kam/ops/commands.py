"""The shape the backup commands share: one file (`PATH`), `--force`, a refusal that exits
2 with its reason and no traceback, and a few lines of outcome, all in the user's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.functional import Promise

from kam.ops.backup import BackupRefused


class BackupFileCommand(BaseCommand):
    """`kam NAME PATH [--force]`: subclasses say what the command, its path and --force are
    for, and `run` does it, returning what to print."""

    summary: Promise
    path_help: Promise
    force_help: Promise

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(self.summary)  # read now, in the active language
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help=str(self.path_help))
        parser.add_argument("--force", action="store_true", help=str(self.force_help))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines = self.run(options["path"], force=options["force"])
        except BackupRefused as refused:
            raise CommandError(str(refused), returncode=2) from refused
        for line in lines:
            self.stdout.write(line)

    def run(self, path: Path, *, force: bool) -> list[str]:
        raise NotImplementedError
