"""The buying centre's base reads, from the accounts the user sees (§13): the people and links
of an account and its score series. A module of its own below both kam.relationships.selectors
and kam.relationships.scoring, which builds the map on them and which selectors then serves.

A contact merged into another (§7 duplicates) is kept for its history but read nowhere else.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kam.accounts.selectors import accounts_visible_to
from kam.org.models import User
from kam.relationships.models import Contact, InfluenceLink, RelationshipScore


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


def account_score_series(actor: User, account_id: int) -> QuerySet[RelationshipScore]:
    """The account's relationship series, oldest first (§7 "a dated series")."""
    return RelationshipScore.objects.filter(
        account__in=accounts_visible_to(actor), account_id=account_id
    ).order_by("recorded_at", "id")
