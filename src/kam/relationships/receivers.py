"""What the buying centre hears from the apps beside it (DOMAIN §7 "last contact", §9).

Engagement records activities but may not import relationships: it sends
`kam.accounts.signals.contacts_met` and reads decision makers through
`kam.accounts.people`; both are connected here, from RelationshipsConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kam.accounts.models import Account
from kam.accounts.people import DecisionMaker, register_decision_makers
from kam.accounts.signals import contacts_met
from kam.core.bulk import history_copy
from kam.relationships.models import BuyingRole, Contact
from kam.relationships.signals import contacts_changed


def contacts_met_update(
    *, contact_ids: Collection[int], on: dt.date, actor: Any = None
) -> list[int]:
    """Move the contacts' last contact to `on`, only forward (§7): one UPDATE, their history
    recorded in the store, and `contacts_changed` per account so its map re-scores. Returns
    the ids that moved."""
    rows = Contact.objects.filter(pk__in=list(contact_ids)).filter(
        Q(last_contact__isnull=True) | Q(last_contact__lt=on)
    )
    moved = list(rows.values_list("pk", flat=True))
    if not moved:
        return []
    Contact.objects.filter(pk__in=moved).update(last_contact=on)
    history_copy(Contact, moved, user_id=getattr(actor, "pk", None))
    account_ids = set(Contact.objects.filter(pk__in=moved).values_list("account_id", flat=True))
    for account in Account.objects.filter(pk__in=account_ids):
        contacts_changed.send(Contact, account=account, actor=actor)
    return moved


def _contacts_met(sender: Any, *, contact_ids: Collection[int], on: dt.date, **kwargs: Any) -> None:
    contacts_met_update(contact_ids=contact_ids, on=on, actor=kwargs.get("actor"))


def account_decision_makers(
    account_ids: Collection[int] | None,
) -> dict[int, list[DecisionMaker]]:
    """The active decision makers (buying role "decision maker", not left, not merged away)
    of each account (None: of every account, without a list of keys), by name (§9
    cadence)."""
    found: dict[int, list[DecisionMaker]] = {}
    zone = timezone.get_current_timezone()  # once: localdate() looks it up on every call
    people = Contact.objects.filter(
        buying_role=BuyingRole.DECISION_MAKER, active=True, merged_into__isnull=True
    )
    if account_ids is not None:
        people = people.filter(account_id__in=list(account_ids))
    rows = people.order_by("account_id", "name", "id").values_list(
        "account_id", "pk", "name", "last_contact", "created_at"
    )
    for account_id, pk, name, last_contact, created_at in rows:
        found.setdefault(account_id, []).append(
            DecisionMaker(pk, name, last_contact, created_at.astimezone(zone).date())
        )
    return found


def connect() -> None:
    contacts_met.connect(_contacts_met, dispatch_uid="relationships-contacts-met")
    register_decision_makers(account_decision_makers)
