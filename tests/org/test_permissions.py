"""Pages and services answer "may this user do that?" with the same function (DOMAIN §13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import kam
from kam.accounts.permissions import can_delete_note, can_manage_team
from kam.accounts.services import note_delete, team_member_add
from kam.core.errors import PermissionDenied
from kam.org.models import Role
from kam.org.permissions import _ACTIONS, can
from tests.factories import AccountFactory, NoteFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ASKED = re.compile(r"""\{% can ["'](\w+)["']""")
TEMPLATES = sorted(Path(kam.__file__).parent.glob("*/templates/**/*.html"))
ROLES = [Role.MANAGER, Role.SALES, Role.DIRECTOR, Role.EXECUTIVE, Role.ADMIN]


def test_every_action_a_template_asks_about_is_declared() -> None:
    asked = {name for path in TEMPLATES for name in ASKED.findall(path.read_text())}
    assert asked
    assert asked <= set(_ACTIONS)


def test_an_undeclared_action_is_an_error_not_a_no() -> None:
    with pytest.raises(LookupError):
        can(UserFactory(), "fly_to_the_moon")


@pytest.mark.parametrize("role", ROLES)
def test_the_team_check_is_what_the_service_enforces(role, manager) -> None:
    account = AccountFactory(owner=manager)
    actor = UserFactory(role=role)
    TeamMemberFactory(account=account, user=actor)
    allowed = can_manage_team(actor, account)

    try:
        team_member_add(actor=actor, account=account, user_id=manager.pk, role="service")
    except PermissionDenied:
        refused = True
    else:
        refused = False

    assert allowed is not refused


@pytest.mark.parametrize("role", ROLES)
def test_the_note_check_is_what_the_service_enforces(role, manager) -> None:
    actor = UserFactory(role=role)
    note = NoteFactory(account=AccountFactory(owner=manager), author=manager)
    allowed = can_delete_note(actor, note)

    try:
        note_delete(actor=actor, note=note)
    except PermissionDenied:
        refused = True
    else:
        refused = False

    assert allowed is not refused


@pytest.mark.parametrize(
    ("role", "offered"),
    [(Role.MANAGER, True), (Role.EXECUTIVE, False), (Role.DIRECTOR, True)],
)
def test_the_account_page_offers_note_deletion_as_the_service_allows(
    role, offered, manager
) -> None:
    account = AccountFactory(owner=manager)
    note = NoteFactory(account=account, author=manager)
    reader = manager if role == Role.MANAGER else UserFactory(role=role)
    client = Client()
    client.force_login(reader)

    page = client.get(reverse("account_detail", args=[account.pk])).content.decode()

    assert (reverse("account_note_delete", args=[account.pk, note.pk]) in page) is offered
