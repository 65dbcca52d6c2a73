"""Contacts from vCards (DOMAIN §7): a whole file through the contact services, or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.core.errors import DomainError, FieldError, InvalidInput
from kam.org.models import User
from kam.org.permissions import require_write
from kam.relationships.models import Contact
from kam.relationships.services.contacts import (
    contact_create,
    contact_mark_left,
    contact_update,
    duplicate_of,
    phone_key,
)
from kam.relationships.vcard import parse_vcards

# More cards than this in one file is not a buying centre.
MAX_CARDS = 2000


@dataclass(frozen=True)
class VcardImport:
    created: int
    updated: int


def _repeats(cards: list[dict[str, str]]) -> dict[int, tuple[str, int]]:
    """Card number → (field, the earlier card number) for a card whose email (any case) or
    phone (however written) an earlier card of the same file has."""
    seen: dict[tuple[str, str], int] = {}
    repeats: dict[int, tuple[str, int]] = {}
    for number, card in enumerate(cards, start=1):
        keys = [
            ("email", card.get("email", "").casefold()),
            ("phone", phone_key(card.get("phone", ""))),
        ]
        for field, key in keys:
            if not key:
                continue
            if (field, key) in seen and number not in repeats:
                repeats[number] = (field, seen[(field, key)])
            seen.setdefault((field, key), number)
    return repeats


def _write(actor: User, account: Account, card: dict[str, str], *, update_existing: bool) -> bool:
    """Create the card's contact (True) or, allowed to, update the one it matches (False)."""
    fields: dict[str, Any] = dict(card)
    left_on = fields.pop("left_on", None)
    existing = None
    if update_existing:
        probe = Contact(
            account=account, email=fields.get("email", ""), phone=fields.get("phone", "")
        )
        found = duplicate_of(probe)
        existing = found[1] if found else None
    if existing is not None:
        contact = contact_update(actor=actor, contact=existing, **fields)
    else:
        contact = contact_create(actor=actor, account=account, **fields)
    if left_on:
        try:
            day = dt.date.fromisoformat(left_on)
        except ValueError as error:
            raise InvalidInput(_("Enter a valid date."), field="left_on") from error
        contact_mark_left(actor=actor, contact=contact, left_on=day)
    return existing is None


@transaction.atomic
def contacts_import_vcards(
    *, actor: User, account: Account, text: str, update_existing: bool = False
) -> VcardImport:
    """Add the people of a vCard file to the account's buying centre (§7), whole or not at all.

    Each card goes through contact_create, so it meets the same checks as one typed in
    (ratings, lengths, duplicates). A card whose email or phone is already a contact's at the
    account is refused as a duplicate, unless `update_existing`: then it updates that
    contact with the fields the card fills. Two cards of the file for one person are refused
    whatever the flag. Any refused card writes nothing; InvalidInput lists every card's
    problem as `cards.<number>.<field>`, the card number (from 1) in the message.
    """
    require_write(actor)
    cards = parse_vcards(text)
    if len(cards) > MAX_CARDS:
        raise InvalidInput(
            _("The file holds %(count)s cards; at most %(max)s are read at once.")
            % {"count": len(cards), "max": MAX_CARDS},
            field="file",
        )
    repeats = _repeats(cards)
    errors: list[FieldError] = []
    created = updated = 0
    for number, fields in enumerate(cards, start=1):
        if number in repeats:
            field, earlier = repeats[number]
            message = _("Card %(number)s: the same %(field)s as card %(earlier)s.") % {
                "number": number,
                "field": Contact._meta.get_field(field).verbose_name,
                "earlier": earlier,
            }
            errors.append(FieldError(f"cards.{number}.{field}", message))
            continue
        try:
            with transaction.atomic():
                if _write(actor, account, dict(fields), update_existing=update_existing):
                    created += 1
                else:
                    updated += 1
        except DomainError as error:
            for problem in error.errors or [FieldError("__all__", error.message)]:
                message = _("Card %(number)s: %(message)s") % {
                    "number": number,
                    "message": problem.message,
                }
                errors.append(FieldError(f"cards.{number}.{problem.field}", message))
    if errors:  # raised inside the atomic block: every card written so far is rolled back
        raise InvalidInput(errors[0].message, errors=errors)
    return VcardImport(created=created, updated=updated)
