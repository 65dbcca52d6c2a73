"""`kam token create NAME` (prints the token alone on its last line), `list`, `revoke`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.core.errors import DomainError
from kam.org.models import ApiToken, User
from kam.org.selectors import tokens_of, user_named
from kam.org.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Manage personal API access tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it.")
        create.add_argument("name", help="The user name.")
        create.add_argument("--label", default="cli", help="What the token is for.")
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("name")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("name")
        revoke.add_argument("token_id", type=int)

    def _user(self, name: str) -> User:
        user = user_named(name)
        if user is None:
            raise CommandError(f"No active user named {name!r}.", returncode=2)
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["name"])
        if options["action"] == "create":
            try:
                token, raw = token_create(user=user, name=options["label"][:100])
            except DomainError as error:
                raise CommandError(f"--label: {error.message}", returncode=2) from error
            self.stdout.write(
                f"Token {token.pk} for {user.username} ({token.name}). "
                "It is shown once; store it safely."
            )
            self.stdout.write(raw)
        elif options["action"] == "list":
            for token in tokens_of(user):
                state = "active" if token.is_active else "revoked"
                self.stdout.write(f"{token.pk}\t{token.name}\t{token.hint}…\t{state}")
        else:
            found = tokens_of(user).filter(pk=options["token_id"]).first()
            if not isinstance(found, ApiToken):
                raise CommandError(
                    f"{user.username} has no token {options['token_id']}.", returncode=2
                )
            token_revoke(token=found)
            self.stdout.write(f"Revoked token {found.pk}.")
