"""`kam user add NAME --role ROLE [--team T]` and `kam user list`."""

from __future__ import annotations

import getpass
import secrets
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.core.errors import DomainError
from kam.org.models import Role
from kam.org.selectors import users_active
from kam.org.services import user_create


class Command(BaseCommand):
    help = "Manage users: add one with a role and teams, or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a user.")
        add.add_argument("name", help="The user name to sign in with.")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument(
            "--team",
            action="append",
            default=[],
            help="A team to join (created when new); repeat for several.",
        )
        add.add_argument("--password", help="Without it: asked for, or generated and printed.")
        add.add_argument("--email", default="")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument("--language", default="", choices=["", "en", "zh-hans"])
        sub.add_parser("list", help="List active users.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for user in users_active():
                self.stdout.write(f"{user.username}\t{user.role}\t{user.display_name}")
            return
        password = options["password"]
        generated = False
        if not password:
            if sys.stdin.isatty():
                password = getpass.getpass("Password: ")
            else:
                password, generated = secrets.token_urlsafe(12), True
        try:
            user = user_create(
                username=options["name"],
                role=options["role"],
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                team_names=options["team"],
                language=options["language"],
            )
        except DomainError as error:
            raise CommandError(error.message, returncode=2) from error
        self.stdout.write(f"Added {user.username} ({user.role}).")
        if generated:
            self.stdout.write(f"Password: {password}")
