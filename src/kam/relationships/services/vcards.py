"""Contacts from vCards (DOMAIN §7): a whole file checked in memory by the contact rules, then
written through the store's bulk path (kam.core.bulk), or nothing."""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.core.bulk import history_copy, insert_objects, reserve_ids, update_objects
from kam.core.errors import DomainError, FieldError, InvalidInput, full_clean_or_raise
from kam.org.models import User
from kam.org.permissions import require_write
from kam.relationships.models import Contact
from kam.relationships.phones import phone_key
from kam.relationships.services.contacts import EDITABLE, cleaned_changes, duplicate_error
from kam.relationships.signals import contacts_changed
from kam.relationships.vcard import parse_vcards

# More cards than this in one file is not a buying centre.
MAX_CARDS = 2000
# What an update from a card writes back: the fields a card may fill, the phone's key, leaving.
WRITTEN = [*EDITABLE, "phone_key", "active", "left_on"]
# Checked by the services' own rules elsewhere, and never set by a card (vCard has no
# "reports to"): full_clean would look each one up in the store.
NOT_FROM_CARDS = ["account", "reports_to", "merged_into"]


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
        for name, key in keys:
            if not key:
                continue
            if (name, key) in seen and number not in repeats:
                repeats[number] = (name, seen[(name, key)])
            seen.setdefault((name, key), number)
    return repeats


def _keys(contact: Contact) -> list[tuple[str, str]]:
    email = (contact.email or "").strip().casefold()
    return [(name, key) for name, key in (("email", email), ("phone", contact.phone_key)) if key]


@dataclass
class _Centre:
    """The account's people as the file goes in, by email and by phone key: kam's contacts
    (merged ones left out), as the cards before have left them, and the cards' new ones. The
    same question duplicate_of asks the store, asked of memory."""

    people: dict[tuple[str, str], list[Contact]] = field(default_factory=lambda: defaultdict(list))

    def add(self, contact: Contact) -> None:
        for key in _keys(contact):
            self.people[key].append(contact)
            # The lowest id first, as duplicate_of orders; new contacts after kam's.
            self.people[key].sort(key=lambda c: (c.pk is None, c.pk or 0))

    def remove(self, contact: Contact) -> None:
        for key in _keys(contact):
            self.people[key] = [other for other in self.people[key] if other is not contact]

    def duplicate_of(
        self, contact: Contact, *, but: Contact | None = None
    ) -> tuple[str, Contact] | None:
        """The field and the first other person with the contact's email, else its phone."""
        for key in _keys(contact):
            for other in self.people.get(key, []):
                if other is not but and other is not contact:
                    return key[0], other
        return None


@dataclass
class _Plan:
    new: list[Contact] = field(default_factory=list)
    updated: dict[int, Contact] = field(default_factory=dict)
    created_count: int = 0
    updated_count: int = 0
    errors: list[FieldError] = field(default_factory=list)


def _checked(
    account: Account, card: dict[str, str], centre: _Centre, *, update_existing: bool
) -> tuple[Contact, Contact | None]:
    """The card as a checked contact — new, or (allowed to) a copy of kam's that it matches,
    which it updates — and that known contact; raises DomainError as contact_create would."""
    fields: dict[str, Any] = cleaned_changes(card)
    left_on = fields.pop("left_on", None)
    existing = None
    if update_existing:
        probe = Contact(
            account=account, email=fields.get("email", ""), phone=fields.get("phone", "")
        )
        probe.key_phone()
        found = centre.duplicate_of(probe)
        existing = found[1] if found else None
    if existing is not None:
        contact = copy.copy(existing)
        for name, value in fields.items():
            setattr(contact, name, value)
    else:
        contact = Contact(account=account, **fields)
    if left_on:
        try:
            contact.left_on = dt.date.fromisoformat(left_on)
        except ValueError as error:
            raise InvalidInput(_("Enter a valid date."), field="left_on") from error
        contact.active = False
    full_clean_or_raise(contact, exclude=NOT_FROM_CARDS, validate_unique=False)
    contact.key_phone()
    found = centre.duplicate_of(contact, but=existing)
    if found is not None:
        raise duplicate_error(*found)
    return contact, existing


def _plan(
    account: Account, cards: list[dict[str, str]], centre: _Centre, *, update_existing: bool
) -> _Plan:
    """Every card checked in order against the centre as the cards before it leave it."""
    plan = _Plan()
    repeats = _repeats(cards)
    for number, card in enumerate(cards, start=1):
        if number in repeats:
            name, earlier = repeats[number]
            message = _("Card %(number)s: the same %(field)s as card %(earlier)s.") % {
                "number": number,
                "field": getattr(Contact._meta.get_field(name), "verbose_name", name),
                "earlier": earlier,
            }
            plan.errors.append(FieldError(f"cards.{number}.{name}", message))
            continue
        try:
            contact, existing = _checked(account, card, centre, update_existing=update_existing)
        except DomainError as error:
            for problem in error.errors or [FieldError("__all__", error.message)]:
                message = _("Card %(number)s: %(message)s") % {
                    "number": number,
                    "message": problem.message,
                }
                plan.errors.append(FieldError(f"cards.{number}.{problem.field}", message))
            continue
        if existing is None:
            plan.new.append(contact)
            plan.created_count += 1
        else:
            centre.remove(existing)
            plan.updated[contact.pk] = contact
            plan.updated_count += 1
        centre.add(contact)
    return plan


@transaction.atomic
def contacts_import_vcards(
    *, actor: User, account: Account, text: str, update_existing: bool = False
) -> VcardImport:
    """Add the people of a vCard file to the account's buying centre (§7), whole or not at all.

    Each card meets the checks of contact_create (required name, ratings, dates, lengths,
    duplicates), all in memory against the account's contacts read once; a card sets no
    reporting line (vCard has none), so none can close a reporting cycle. A card whose email
    or phone is already a contact's at the account is refused as a duplicate, unless
    `update_existing`: then it updates that contact with the fields the card fills. Two cards
    of the file for one person are refused whatever the flag. Any refused card writes
    nothing; InvalidInput lists every card's problem as `cards.<number>.<field>`, the card
    number (from 1) in the message. Then one bulk write with a history row per contact, and
    the account re-scored once: a few queries whatever the number of cards.
    """
    require_write(actor)
    cards = parse_vcards(text)
    if len(cards) > MAX_CARDS:
        raise InvalidInput(
            _("The file holds %(count)s cards; at most %(max)s are read at once.")
            % {"count": len(cards), "max": MAX_CARDS},
            field="file",
        )
    known = Contact.objects.filter(account=account, merged_into__isnull=True).order_by("id")
    centre = _Centre()
    for contact in known.select_for_update() if update_existing else known:
        centre.add(contact)
    plan = _plan(account, cards, centre, update_existing=update_existing)
    if plan.errors:
        raise InvalidInput(plan.errors[0].message, errors=plan.errors)
    for contact, pk in zip(plan.new, reserve_ids(Contact, len(plan.new)), strict=True):
        contact.pk = pk
    insert_objects(Contact, plan.new)
    history_copy(Contact, [c.pk for c in plan.new], user_id=actor.pk, history_type="+")
    updated = list(plan.updated.values())
    update_objects(Contact, updated, WRITTEN)
    history_copy(Contact, [c.pk for c in updated], user_id=actor.pk)
    if plan.new or updated:
        contacts_changed.send(Contact, account=account, actor=actor)
    return VcardImport(created=plan.created_count, updated=plan.updated_count)
