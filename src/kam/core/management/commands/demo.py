"""`kam demo`: load the demo company (users, teams, accounts) once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kam.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load demo users, teams and accounts (skipped when the database has accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo sign-ins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load(seed=options["seed"])
        if result.created:
            self.stdout.write(
                f"Demo data loaded: {result.users} users, {result.accounts} accounts."
            )
        else:
            self.stdout.write("Demo data already present; nothing loaded.")
        if not options["quiet_logins"]:
            self.stdout.write(f"Demo sign-ins (password {DEMO_PASSWORD!r} for all):")
            for username, role, _first, _last in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {role}")
