"""Writes to the buying centre's people (DOMAIN §7): create, edit, reporting line, leaving.

Every write checks the actor may write (§13: the account came through the actor's
selectors), validates the whole contact, refuses a duplicate (same email or phone at the
account) and a reporting cycle, records history with the actor, and sends
`contacts_changed`, which re-scores the map after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.core.errors import Conflict, InvalidInput, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.permissions import require_write
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.phones import phone_key
from kam.relationships.reporting import reporting_cycle
from kam.relationships.signals import contacts_changed

# What a manager may set on a contact, by name (the API's and the forms' fields).
EDITABLE = (
    "name",
    "department",
    "title",
    "email",
    "phone",
    "wechat",
    "address",
    "notes",
    "buying_role",
    "influence",
    "attitude",
    "closeness",
    "solution_approval",
    "price_acceptance",
    "last_contact",
)
TEXT_FIELDS = ("name", "department", "title", "email", "phone", "wechat", "address", "notes")


class DuplicateContact(Conflict):
    """The contact's email or phone is already another contact's at the account."""

    code = "duplicate"

    def __init__(self, message: str, *, field: str, existing: Contact) -> None:
        super().__init__(message, field=field)
        self.existing = existing


def duplicate_of(contact: Contact) -> tuple[str, Contact] | None:
    """The field and the other contact of the same account with this contact's email or phone
    (not counting contacts merged away), or None (§7 duplicates). The phone is looked up by
    its key, in the indexed `phone_key` column: two queries at most."""
    others = Contact.objects.filter(account_id=contact.account_id, merged_into__isnull=True)
    if contact.pk:
        others = others.exclude(pk=contact.pk)
    email = (contact.email or "").strip()
    if email:
        same = others.filter(email__iexact=email).order_by("id").first()
        if same is not None:
            return "email", same
    key = phone_key(contact.phone)
    if key:
        same = others.filter(phone_key=key).order_by("id").first()
        if same is not None:
            return "phone", same
    return None


def duplicate_error(field: str, existing: Contact) -> DuplicateContact:
    """The refusal of a contact whose `field` (email or phone) is already `existing`'s."""
    message = (
        _("%(name)s already has this email at this account: merge the two contacts instead.")
        if field == "email"
        else _("%(name)s already has this phone at this account: merge the two contacts instead.")
    )
    return DuplicateContact(message % {"name": existing.name}, field=field, existing=existing)


def _refuse_duplicate(contact: Contact) -> None:
    found = duplicate_of(contact)
    if found is not None:
        raise duplicate_error(*found)


def _boss(contact: Contact, boss_id: int | None) -> Contact | None:
    """The contact `contact` may report to; raises InvalidInput naming `reports_to`."""
    if boss_id is None:
        return None
    boss = Contact.objects.filter(
        pk=boss_id, account_id=contact.account_id, merged_into__isnull=True
    ).first()
    if boss is None:
        raise InvalidInput(
            _("The contact to report to is not a contact of this account."), field="reports_to"
        )
    if contact.pk and boss.pk == contact.pk:
        raise InvalidInput(_("A contact cannot report to themselves."), field="reports_to")
    if contact.pk:
        lines = dict(
            Contact.objects.filter(account_id=contact.account_id)
            .exclude(pk=contact.pk)
            .values_list("id", "reports_to_id")
        )
        cycle = reporting_cycle(lines, contact.pk, boss.pk)
        if cycle is not None:
            names = dict(Contact.objects.filter(pk__in=cycle).values_list("id", "name"))
            raise InvalidInput(
                _(
                    "%(name)s cannot report to %(boss)s: the reporting lines would go round "
                    "in a circle (%(chain)s)."
                )
                % {
                    "name": contact.name,
                    "boss": boss.name,
                    "chain": " → ".join(names.get(pk, str(pk)) for pk in cycle),
                },
                field="reports_to",
            )
    return boss


def cleaned_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as a contact takes them: texts stripped, other blanks as no value."""
    cleaned = dict(changes)
    for name in TEXT_FIELDS:
        if name in cleaned and isinstance(cleaned[name], str):
            cleaned[name] = cleaned[name].strip()
    for name, value in list(cleaned.items()):
        if name not in TEXT_FIELDS and value == "":
            cleaned[name] = None if name not in ("buying_role", "attitude") else ""
    return cleaned


def _save(actor: User, contact: Contact) -> Contact:
    full_clean_or_raise(contact, exclude=["account"])
    _refuse_duplicate(contact)
    save_as(actor, contact)
    contacts_changed.send(Contact, account=contact.account, actor=actor)
    return contact


@transaction.atomic
def contact_create(
    *, actor: User, account: Account, reports_to_id: int | None = None, **fields: Any
) -> Contact:
    """Add a person to the account's buying centre (§7)."""
    require_write(actor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s.") % {"field": sorted(unknown)[0]})
    contact = Contact(account=account, **cleaned_changes(fields))
    contact.reports_to = _boss(contact, reports_to_id)
    return _save(actor, contact)


UNSET = object()


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, reports_to_id: Any = UNSET, **changes: Any
) -> Contact:
    """Change a contact's details, ratings or reporting line (§7); the other fields stay."""
    require_write(actor)
    contact = Contact.objects.select_for_update().select_related("account").get(pk=contact.pk)
    if contact.merged_into_id is not None:
        raise Conflict(_("This contact was merged into another one and cannot change."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s.") % {"field": sorted(unknown)[0]})
    for name, value in cleaned_changes(changes).items():
        setattr(contact, name, value)
    if reports_to_id is not UNSET:
        contact.reports_to = _boss(contact, reports_to_id)
    return _save(actor, contact)


@transaction.atomic
def contact_mark_left(*, actor: User, contact: Contact, left_on: dt.date | None = None) -> Contact:
    """The person left the customer (§7): they keep their past role and ratings in history,
    count no more in the scores, and a sponsor's leaving opens the "sponsor left" gap. Without
    a date, today's."""
    require_write(actor)
    contact = Contact.objects.select_for_update().select_related("account").get(pk=contact.pk)
    contact.active = False
    contact.left_on = left_on or timezone.localdate()
    return _save(actor, contact)


@transaction.atomic
def contact_mark_returned(*, actor: User, contact: Contact) -> Contact:
    """Undo a leaving marked by mistake (or the person came back)."""
    require_write(actor)
    contact = Contact.objects.select_for_update().select_related("account").get(pk=contact.pk)
    contact.active = True
    contact.left_on = None
    return _save(actor, contact)


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    """Remove a contact entered by mistake; the people reporting to them report to nobody,
    their links go with them, and so do the records merged into them (else those would
    surface again as live contacts); the history keeps every deletion."""
    require_write(actor)
    # The deletion's history row copies the instance: as stored, not as the caller read it.
    contact = Contact.objects.select_for_update().select_related("account").get(pk=contact.pk)
    account = contact.account
    folded = list(Contact.objects.filter(merged_into=contact))
    while folded:  # a record merged into one that was merged in turn
        merged = folded.pop()
        folded.extend(Contact.objects.filter(merged_into=merged))
        delete_as(actor, merged)
    for report in Contact.objects.filter(reports_to=contact):
        report.reports_to = None
        save_as(actor, report)
    for link in InfluenceLink.objects.filter(Q(source=contact) | Q(target=contact)):
        delete_as(actor, link)
    delete_as(actor, contact)
    contacts_changed.send(Contact, account=account, actor=actor)
