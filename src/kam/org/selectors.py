"""Reads for users, teams, departments and tokens."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.org.models import ApiToken, Department, Team, User


def users_active(*, q: str = "") -> QuerySet[User]:
    """Everyone may see who their colleagues are (to pick owners, team members, mentions)."""
    users = User.objects.filter(is_active=True).order_by("username")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    return users


def teams_list() -> QuerySet[Team]:
    return Team.objects.prefetch_related("members").order_by("name")


def departments_list() -> QuerySet[Department]:
    return Department.objects.select_related("head").order_by("id")


def tokens_of(actor: User) -> QuerySet[ApiToken]:
    """A user sees only their own tokens."""
    return ApiToken.objects.filter(user=actor)


def token_get(*, actor: User, token_id: int) -> ApiToken:
    """Another user's token answers 404 like a missing one."""
    return get_object_or_404(tokens_of(actor), pk=token_id)
