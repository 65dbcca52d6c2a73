"""The manager's inputs on an account: potential estimates and notes (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kam.accounts.models import Account, Note, PotentialEstimate
from kam.accounts.permissions import can_delete_note
from kam.accounts.selectors import accounts_visible_to
from kam.accounts.signals import account_inputs_changed
from kam.core.errors import InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.permissions import require_write

MENTION = re.compile(r"(?<![\w.@])@([\w.+-]{1,150})")
MAX_MENTIONS = 20


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


@transaction.atomic
def note_add(*, actor: User, account: Account, body: str) -> Note:
    """Add a note; @user names of people who can see the account are recorded as mentions."""
    require_write(actor)
    body = body.strip()
    if not body:
        raise InvalidInput(_("A note needs some text."), field="body")
    note = Note(account=account, author=actor, body=body)
    full_clean_or_raise(note)
    save_as(actor, note)
    names = sorted({name.rstrip(".").lower() for name in MENTION.findall(body)})[:MAX_MENTIONS]
    if names:
        matches = Q()
        for name in names:
            matches |= Q(username__iexact=name)
        note.mentions.set(
            user
            for user in User.objects.filter(matches, is_active=True)
            if accounts_visible_to(user).filter(pk=account.pk).exists()
        )
    return note


@transaction.atomic
def note_delete(*, actor: User, note: Note) -> None:
    """Authors delete their own notes; a director or admin may delete any."""
    require_write(actor)
    if not can_delete_note(actor, note):
        raise PermissionDenied(
            _("Only the author, a director or an administrator may delete a note.")
        )
    delete_as(actor, note)
