"""Reads of the buying centre; every query starts from the accounts the user sees (§13).

A contact merged into another (§7 duplicates) is kept for its history but read nowhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kam.core.errors import InvalidInput
from kam.org.models import User
from kam.relationships import scoring
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.reads import (
    account_contacts,
    account_links,
    account_score_series,
    contacts_visible_to,
    links_visible_to,
)
from kam.relationships.scoring import RelationshipMap

__all__ = [
    "ContactFilters",
    "account_contact",
    "account_contacts",
    "account_links",
    "account_score_series",
    "contact_get",
    "contact_list",
    "contacts_visible_to",
    "link_get",
    "links_visible_to",
    "relationship_map",
]


def contact_get(*, actor: User, contact_id: int) -> Contact:
    """Missing, merged away and not visible raise the same Http404 (§13)."""
    return get_object_or_404(
        contacts_visible_to(actor).select_related("account", "reports_to"), pk=contact_id
    )


def link_get(*, actor: User, link_id: int) -> InfluenceLink:
    return get_object_or_404(
        links_visible_to(actor).select_related("account", "source", "target"), pk=link_id
    )


def relationship_map(
    *, actor: User, account_id: int, as_of: dt.date | None = None
) -> RelationshipMap:
    """One account's whole map, scored (§7); another user's account raises Http404 (§13).
    Built by kam.relationships.scoring over the base reads (kam.relationships.reads)."""
    return scoring.relationship_map(actor=actor, account_id=account_id, as_of=as_of)


@dataclass(frozen=True)
class ContactFilters:
    """The contact list's filters (§7); None leaves a filter out."""

    active: bool | None = None
    department: str | None = None
    buying_role: str | None = None
    q: str | None = None


def contact_list(*, actor: User, account_id: int, filters: ContactFilters) -> QuerySet[Contact]:
    """The account's contacts the actor sees, filtered, active first."""
    rows = account_contacts(actor, account_id)
    if filters.active is not None:
        rows = rows.filter(active=filters.active)
    if filters.department is not None:
        rows = rows.filter(department__iexact=filters.department)
    if filters.buying_role is not None:
        rows = rows.filter(buying_role=filters.buying_role)
    if filters.q:
        rows = rows.filter(
            Q(name__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(email__icontains=filters.q)
            | Q(phone__icontains=filters.q)
        )
    return rows


def account_contact(*, actor: User, account_id: int, contact_id: int, field: str) -> Contact:
    """A contact named in a request's body (a link's end, a merge's duplicate): one the actor
    sees at this account, else InvalidInput naming `field` — the same for missing, merged
    away, another account's and not visible (§13)."""
    contact = (
        contacts_visible_to(actor)
        .filter(account_id=account_id, pk=contact_id)
        .select_related("account")
        .first()
    )
    if contact is None:
        raise InvalidInput(_("This is not a contact of this account."), field=field)
    return contact
