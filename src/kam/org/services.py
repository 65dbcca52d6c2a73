"""Writes for users, teams, tokens (DOMAIN §13), inbox notifications and the company settings."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _

from kam.core.errors import Conflict, InvalidInput, full_clean_or_raise
from kam.core.history import save_as
from kam.org.models import (
    COMPANY_SETTINGS_FIELDS,
    TOKEN_PREFIX,
    ApiToken,
    CompanySettings,
    Language,
    Notification,
    Role,
    Team,
    User,
    hash_token,
)
from kam.org.permissions import require_governing
from kam.org.selectors import company_settings

# A lock answers why the base currency may not change now (given the current one), or None.
CurrencyLock = Callable[[str], str | None]
_currency_locks: list[CurrencyLock] = []


def base_currency_lock_register(lock: CurrencyLock) -> None:
    """Let an app that stores amounts in the base currency refuse a change of it.

    org sits below the apps that store amounts, so it cannot look at their rows; they
    register here instead (the ledger does, in its AppConfig.ready).
    """
    if lock not in _currency_locks:
        _currency_locks.append(lock)


@transaction.atomic
def company_settings_update(*, actor: User, **changes: Any) -> CompanySettings:
    """Edit the base currency and the fiscal year start (director, admin), kept in history.

    Raises PermissionDenied, InvalidInput (unknown or invalid setting) and Conflict (the
    currency would change under amounts stored in it).
    """
    require_governing(actor, _("edit the company settings"))
    unknown = sorted(set(changes) - set(COMPANY_SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown setting."), field=unknown[0])
    company = CompanySettings.objects.select_for_update().get(pk=company_settings().pk)
    old_currency = company.currency
    for name, value in changes.items():
        setattr(company, name, value)
    full_clean_or_raise(company)
    if company.currency != old_currency:
        for lock in _currency_locks:
            reason = lock(old_currency)
            if reason:
                raise Conflict(reason, field="currency")
    save_as(actor, company)
    return company


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    team_names: list[str] | None = None,
    language: str = "",
) -> User:
    """Create a user with a role and optional teams (created when new). Raises Conflict."""
    if role not in Role.values:
        raise InvalidInput(
            _("Unknown role %(role)s; choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("A user named %(name)s already exists.") % {"name": username}, field="username"
        )
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    full_clean_or_raise(user, exclude=["password"])
    user.save()
    for name in team_names or []:
        team, _created = Team.objects.get_or_create(name=name)
        team.members.add(user)
    return user


@transaction.atomic
def team_create(
    *, actor: User, name: str, description: str = "", member_ids: list[int] | None = None
) -> Team:
    """Create a team (director or admin)."""
    require_governing(actor, _("manage teams"))
    if Team.objects.filter(name__iexact=name).exists():
        raise Conflict(_("A team named %(name)s already exists.") % {"name": name}, field="name")
    team = Team(name=name, description=description)
    full_clean_or_raise(team)
    save_as(actor, team)
    if member_ids:
        members = list(User.objects.filter(pk__in=member_ids))
        missing = set(member_ids) - {member.pk for member in members}
        if missing:
            raise InvalidInput(
                _("No user with id %(id)s.") % {"id": min(missing)}, field="member_ids"
            )
        team.members.set(members)
    return team


def user_set_language(*, user: User, language: str) -> User:
    """Remember the user's preferred page language."""
    if language not in Language.values:
        raise InvalidInput(_("Unknown language %(code)s.") % {"code": language}, field="language")
    if user.language != language:
        user.language = language
        save_as(user, user, update_fields=["language"])
    return user


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token; the raw token is returned once and never stored."""
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{secret}"
    token = ApiToken(user=user, name=name, key_hash=hash_token(raw), hint=raw[:10])
    full_clean_or_raise(token, exclude=["key_hash", "hint"])
    save_as(user, token)
    return token, raw


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice is harmless."""
    if token.revoked_at is None:
        token.revoked_at = timezone_now()
        save_as(token.user, token, update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> User | None:
    """The active user holding this token, or None; records when the token was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    moment = timezone_now()
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.user


NOTIFICATION_TEXT_MAX = 500


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    params: Mapping[str, Any] | None = None,
    text: str = "",
    link: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Put one notification in each recipient's inbox (docs/rules.md "Inbox"): the public
    service every app calls to tell someone something; inactive users and the actor
    themselves are skipped (nobody is told what they did). Link is a path inside kam."""
    if link and (not link.startswith("/") or link.startswith("//")):
        raise InvalidInput(_("A notification links to a page of kam."), field="link")
    unique = {user.pk: user for user in recipients if user.is_active}
    if actor is not None:
        unique.pop(actor.pk, None)
    rows = [
        Notification(
            recipient=user,
            actor=actor,
            kind=kind,
            params=dict(params or {}),
            text=text[:NOTIFICATION_TEXT_MAX],
            link=link,
        )
        for user in unique.values()
    ]
    return Notification.objects.bulk_create(rows)


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (the gate is notification_get); marking
    twice keeps the first time."""
    if notification.read_at is None:
        notification.read_at = timezone_now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; how many were unread."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone_now()
    )
