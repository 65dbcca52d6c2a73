"""The manager's inputs on an account: potential estimates and notes (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account, Note, PotentialEstimate
from kam.accounts.permissions import can_delete_note
from kam.accounts.selectors import accounts_visible_to
from kam.accounts.signals import account_inputs_changed
from kam.core.errors import InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.notifications import notification_kind_register
from kam.org.permissions import require_write
from kam.org.selectors import users_named
from kam.org.services import notify

MENTION = re.compile(r"(?<![\w.@])@([\w.+-]{1,150})")
MAX_MENTIONS = 20
MENTION_KIND = "mention"
EXCERPT_LENGTH = 280

notification_kind_register(
    MENTION_KIND, gettext_lazy("%(author)s mentioned you in a note on %(code)s %(account)s")
)


@transaction.atomic
def potential_estimate_add(
    *, actor: User, account: Account, amount: Decimal, estimated_on: dt.date, source: str = ""
) -> PotentialEstimate:
    """Record a potential estimate; the latest dated one counts (DOMAIN §2)."""
    require_write(actor)
    estimate = PotentialEstimate(
        account=account,
        amount=amount,
        estimated_on=estimated_on,
        source=source.strip(),
        author=actor,
    )
    full_clean_or_raise(estimate)
    save_as(actor, estimate)
    account_inputs_changed.send(Account, account=account, cause="potential", actor=actor)
    return estimate


@dataclass(frozen=True)
class NotePosted:
    """A note just added and what became of its @names (docs/rules.md "Mentions")."""

    note: Note
    mentioned: tuple[User, ...]  # told, in their inbox
    unknown_mentions: tuple[str, ...]  # no active colleague has that login name
    mentions_without_access: tuple[str, ...]  # a colleague who cannot see the account

    def __getattr__(self, name: str) -> Any:
        # Reads as the note itself too, so the API answers the note's fields beside the report.
        return getattr(self.note, name)


def mention_names(body: str) -> list[str]:
    """The distinct @names of a text, casefolded, in order of first appearance (at most
    MAX_MENTIONS); a full stop ending a sentence is not part of the name."""
    names: dict[str, None] = {}
    for name in MENTION.findall(body):
        names.setdefault(name.rstrip(".").casefold(), None)
    return [name for name in names if name][:MAX_MENTIONS]


@transaction.atomic
def note_post(*, actor: User, account: Account, body: str) -> NotePosted:
    """Add a note; each @name matching the login name of an active user who can see the
    account is recorded as a mention and told in their inbox; the other names are reported
    back to the writer, never silently dropped (docs/rules.md "Mentions").

    Raises PermissionDenied (executive) and InvalidInput (empty or too long)."""
    require_write(actor)
    body = body.strip()
    if not body:
        raise InvalidInput(_("A note needs some text."), field="body")
    note = Note(account=account, author=actor, body=body)
    full_clean_or_raise(note)
    save_as(actor, note)
    names = mention_names(body)
    users = users_named(names)
    unknown = tuple(name for name in names if name not in users)
    seeing = [users[name] for name in names if name in users and _sees(users[name], account)]
    without_access = tuple(name for name in names if name in users and users[name] not in seeing)
    note.mentions.set(seeing)
    told = [user for user in seeing if user.pk != actor.pk]
    if told:
        notify(
            recipients=told,
            kind=MENTION_KIND,
            params={
                "author": actor.display_name,
                "code": account.code,
                "account": account.name,
            },
            text=_excerpt(body),
            link=f"{reverse('account_detail', args=[account.pk])}#note-{note.pk}",
            actor=actor,
        )
    return NotePosted(
        note=note,
        mentioned=tuple(seeing),
        unknown_mentions=unknown,
        mentions_without_access=without_access,
    )


def note_add(*, actor: User, account: Account, body: str) -> Note:
    """Add a note (note_post without the report of its mentions)."""
    return note_post(actor=actor, account=account, body=body).note


def _sees(user: User, account: Account) -> bool:
    return accounts_visible_to(user).filter(pk=account.pk).exists()


def _excerpt(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1] + "…"


@transaction.atomic
def note_delete(*, actor: User, note: Note) -> None:
    """Authors delete their own notes; a director or admin may delete any."""
    require_write(actor)
    if not can_delete_note(actor, note):
        raise PermissionDenied(
            _("Only the author, a director or an administrator may delete a note.")
        )
    delete_as(actor, note)
