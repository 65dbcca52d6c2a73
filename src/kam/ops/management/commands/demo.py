"""`kam demo`: load the demo company (users, teams, accounts) once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.ops.demo import demo_load
from kam.org.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Load demo users, teams and accounts (skipped when the database has accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--accounts", type=int, default=300, help="How many customer accounts (default 300)."
        )
        parser.add_argument(
            "--years", type=int, default=3, help="Years of sales history (default 3)."
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo sign-ins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["accounts"] < 1 or not 1 <= options["years"] <= 20:
            raise CommandError("--accounts must be at least 1 and --years 1 to 20", returncode=2)
        result = demo_load(
            seed=options["seed"], accounts=options["accounts"], years=options["years"]
        )
        if result.created:
            self.stdout.write(
                f"Demo data loaded: {result.users} users, {result.accounts} "
                f"accounts, {result.lines} ledger lines."
            )
        else:
            self.stdout.write("Demo data already present; nothing loaded.")
        if not options["quiet_logins"]:
            self.stdout.write(f"Demo sign-ins (password {DEMO_PASSWORD!r} for all):")
            for username, role, _first, _last in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {role}")
