"""Users, teams and personal access tokens (DOMAIN §13)."""

from __future__ import annotations

import pytest

from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.org.models import ApiToken, hash_token
from kam.org.services import (
    team_create,
    token_authenticate,
    token_create,
    token_revoke,
    user_create,
    user_set_language,
)

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_hashed_and_shown_once(manager) -> None:
    token, raw = token_create(user=manager, name="script")

    stored = ApiToken.objects.get(pk=token.pk)

    assert raw not in {stored.key_hash, stored.hint}
    assert stored.key_hash == hash_token(raw)
    assert token_authenticate(raw) == manager


def test_a_revoked_or_unknown_token_authenticates_nobody(manager) -> None:
    token, raw = token_create(user=manager, name="script")
    token_revoke(token=token)
    assert token_authenticate(raw) is None
    assert token_authenticate("kam_not-a-token") is None
    assert token_authenticate("Bearer nonsense") is None


def test_a_deactivated_users_token_stops_working(manager) -> None:
    _token, raw = token_create(user=manager, name="script")
    manager.is_active = False
    manager.save()
    assert token_authenticate(raw) is None


def test_user_create_refuses_unknown_roles_and_duplicates(manager) -> None:
    with pytest.raises(InvalidInput):
        user_create(username="new", role="boss")
    with pytest.raises(Conflict):
        user_create(username=manager.username, role="sales")


def test_only_director_or_admin_create_teams(manager, director) -> None:
    with pytest.raises(PermissionDenied):
        team_create(actor=manager, name="East")
    team = team_create(actor=director, name="East", member_ids=[manager.pk])
    assert list(team.members.all()) == [manager]


def test_an_unknown_language_is_refused(manager) -> None:
    with pytest.raises(InvalidInput):
        user_set_language(user=manager, language="fr")
    assert user_set_language(user=manager, language="zh-hans").language == "zh-hans"
