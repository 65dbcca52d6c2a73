"""Reads of the buying centre; every query starts from the accounts the user sees (§13)."""

from __future__ import annotations

from django.db.models import QuerySet

from kam.accounts.selectors import accounts_visible_to
from kam.org.models import User
from kam.relationships.models import Contact


def contacts_visible_to(actor: User) -> QuerySet[Contact]:
    return Contact.objects.filter(account__in=accounts_visible_to(actor))


def account_contacts(actor: User, account_id: int) -> QuerySet[Contact]:
    """The contacts of one account the actor sees, active first (§7)."""
    return (
        contacts_visible_to(actor)
        .filter(account_id=account_id)
        .select_related("reports_to")
        .order_by("-active", "department", "name", "id")
    )
