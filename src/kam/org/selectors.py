"""Reads for users, teams, departments, tokens, the inbox and the company settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import Page
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.core.paging import page_of
from kam.org.models import (
    ROLES_ON_TEAMS,
    ROLES_OWNING,
    ApiToken,
    CompanySettings,
    Department,
    Notification,
    Team,
    User,
    default_currency,
)


def users_active(*, q: str = "") -> QuerySet[User]:
    """Everyone may see who their colleagues are (to pick owners, team members, mentions)."""
    users = User.objects.filter(is_active=True).order_by("username")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    return users


def _by_name(users: QuerySet[User]) -> QuerySet[User]:
    return users.order_by("first_name", "last_name", "username")


def users_who_may_own(*, keep: int | None = None) -> QuerySet[User]:
    """The people an account's owner is picked from (§13, docs/rules.md "Who can hold a
    role"): active key account managers and directors, by name; `keep` (the current owner's
    id) stays a choice whatever their role, so editing an account never drops its owner."""
    eligible = Q(role__in=ROLES_OWNING)
    if keep is not None:
        eligible |= Q(pk=keep)
    return _by_name(User.objects.filter(eligible, is_active=True))


def users_who_may_join_teams() -> QuerySet[User]:
    """The people an account team member is picked from (§13, docs/rules.md "Who can hold a
    role"): every active user but administrators, by name."""
    return _by_name(User.objects.filter(is_active=True, role__in=ROLES_ON_TEAMS))


def users_named(names: Iterable[str]) -> dict[str, User]:
    """The active users with these user names, compared case-insensitively (keys casefolded):
    the one lookup behind `--user NAME` and an import's owner column."""
    wanted = sorted({name.casefold() for name in names if name})
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 500):
        match = Q()
        for name in wanted[start : start + 500]:
            match |= Q(username__iexact=name)
        for user in User.objects.filter(match, is_active=True).order_by("username"):
            found.setdefault(user.username.casefold(), user)
    return found


def user_named(name: str) -> User | None:
    """The active user with this user name, or None."""
    return users_named([name]).get(name.casefold())


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


def company_settings() -> CompanySettings:
    """The one company settings row (created when absent, its currency from KAM_BASE_CURRENCY)."""
    company, _ = CompanySettings.objects.get_or_create(pk=1)
    return company


def base_currency() -> str:
    """The currency every amount is kept in (DOMAIN: money); KAM_BASE_CURRENCY seeds it."""
    stored = CompanySettings.objects.filter(pk=1).values_list("currency", flat=True).first()
    return str(stored or default_currency())


def notifications_of(actor: User) -> QuerySet[Notification]:
    """A user's own inbox, unread first, then newest first (docs/rules.md "Inbox"); nobody
    reads another's."""
    if not actor.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient=actor)
        .select_related("actor")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")
    )


def notification_list(
    *, actor: User, unread_only: bool = False, kind: str = ""
) -> QuerySet[Notification]:
    rows = notifications_of(actor)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def notification_page(*, actor: User, page: str | None, per_page: str | None = None) -> Page:
    """One bounded page of the inbox."""
    return page_of(notifications_of(actor), page=page, per_page=per_page)


def notification_get(*, actor: User, notification_id: int) -> Notification:
    """Another user's notification answers 404 like a missing one (§13)."""
    return get_object_or_404(notifications_of(actor), pk=notification_id)


def notifications_unread_count(actor: User) -> int:
    """How many of the user's notifications are unread: one COUNT, for the navigation."""
    if not actor.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
