"""Reads of the buying centre; every query starts from the accounts the user sees (§13).

A contact merged into another (§7 duplicates) is kept for its history but read nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.selectors import accounts_visible_to
from kam.org.models import User
from kam.relationships.models import Contact, InfluenceLink, RelationshipScore

if TYPE_CHECKING:
    from kam.relationships.scoring import RelationshipMap


def contacts_visible_to(actor: User) -> QuerySet[Contact]:
    return Contact.objects.filter(account__in=accounts_visible_to(actor), merged_into__isnull=True)


def account_contacts(actor: User, account_id: int) -> QuerySet[Contact]:
    """The contacts of one account the actor sees, active first (§7)."""
    return (
        contacts_visible_to(actor)
        .filter(account_id=account_id)
        .select_related("reports_to")
        .order_by("-active", "department", "name", "id")
    )


def contact_get(*, actor: User, contact_id: int) -> Contact:
    """Missing, merged away and not visible raise the same Http404 (§13)."""
    return get_object_or_404(
        contacts_visible_to(actor).select_related("account", "reports_to"), pk=contact_id
    )


def links_visible_to(actor: User) -> QuerySet[InfluenceLink]:
    return InfluenceLink.objects.filter(
        account__in=accounts_visible_to(actor),
        source__merged_into__isnull=True,
        target__merged_into__isnull=True,
    )


def account_links(actor: User, account_id: int) -> QuerySet[InfluenceLink]:
    """The influence links among the account's contacts (§7)."""
    return (
        links_visible_to(actor)
        .filter(account_id=account_id)
        .select_related("source", "target")
        .order_by("source__name", "target__name", "kind", "id")
    )


def link_get(*, actor: User, link_id: int) -> InfluenceLink:
    return get_object_or_404(
        links_visible_to(actor).select_related("account", "source", "target"), pk=link_id
    )


def account_score_series(actor: User, account_id: int) -> QuerySet[RelationshipScore]:
    """The account's relationship series, oldest first (§7 "a dated series")."""
    return RelationshipScore.objects.filter(
        account__in=accounts_visible_to(actor), account_id=account_id
    ).order_by("recorded_at", "id")


def relationship_map(
    *, actor: User, account_id: int, as_of: dt.date | None = None
) -> RelationshipMap:
    """One account's whole map, scored (§7); another user's account raises Http404 (§13).
    Built by kam.relationships.scoring over the selectors above."""
    from kam.relationships import scoring  # here: scoring imports this module

    return scoring.relationship_map(actor=actor, account_id=account_id, as_of=as_of)
