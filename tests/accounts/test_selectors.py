"""Visibility (DOMAIN §13) and the effective potential (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from kam.accounts.selectors import (
    AccountFilters,
    account_get,
    account_list,
    account_owners,
    accounts_visible_to,
    potential_effective,
)
from kam.org.models import Role
from tests.factories import (
    AccountFactory,
    PotentialEstimateFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_manager_sees_owned_and_team_accounts_only(manager, other_manager) -> None:
    owned = AccountFactory(owner=manager)
    on_team = AccountFactory(owner=other_manager)
    TeamMemberFactory(account=on_team, user=manager)
    hidden = AccountFactory(owner=other_manager)

    visible = set(accounts_visible_to(manager))

    assert visible == {owned, on_team}
    assert hidden not in visible


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.EXECUTIVE, Role.ADMIN])
def test_director_executive_and_admin_see_every_account(role, other_manager) -> None:
    accounts = {AccountFactory(owner=other_manager), AccountFactory(owner=None)}
    assert set(accounts_visible_to(UserFactory(role=role))) == accounts


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.SERVICE])
def test_team_roles_see_only_the_teams_they_are_on(role, other_manager) -> None:
    user = UserFactory(role=role)
    mine = AccountFactory(owner=other_manager)
    TeamMemberFactory(account=mine, user=user)
    AccountFactory(owner=other_manager)

    assert list(accounts_visible_to(user)) == [mine]


def test_inactive_user_sees_nothing(manager) -> None:
    AccountFactory(owner=manager)
    manager.is_active = False
    manager.save()
    assert not accounts_visible_to(manager).exists()


def test_another_users_account_answers_404_like_a_missing_one(manager, other_manager) -> None:
    theirs = AccountFactory(owner=other_manager)
    with pytest.raises(Http404):
        account_get(actor=manager, account_id=theirs.pk)
    with pytest.raises(Http404):
        account_get(actor=manager, account_id=theirs.pk + 1000)


def test_being_on_the_team_twice_lists_the_account_once(manager, other_manager) -> None:
    account = AccountFactory(owner=manager)
    TeamMemberFactory(account=account, user=manager, role="sales")
    TeamMemberFactory(account=account, user=manager, role="service")
    assert list(account_list(actor=manager, filters=AccountFilters())) == [account]


def test_account_list_filters_search_and_sorts_with_ties_by_code(director) -> None:
    b = AccountFactory(code="B1", name="Zeta Pumps", industry="Energy", is_key=True)
    a = AccountFactory(code="A1", name="Zeta Motors", industry="Energy", is_key=True)
    AccountFactory(code="C1", name="Other", industry="Energy")

    found = account_list(
        actor=director,
        filters=AccountFilters(q="zeta", is_key=True, industry="energy", sort="-industry"),
    )

    assert list(found) == [a, b]


def test_effective_potential_is_the_latest_dated_on_or_before_as_of(manager) -> None:
    account = AccountFactory(owner=manager)
    PotentialEstimateFactory(account=account, amount=Decimal(1), estimated_on=dt.date(2026, 1, 1))
    latest = PotentialEstimateFactory(
        account=account, amount=Decimal(2), estimated_on=dt.date(2026, 6, 1)
    )
    PotentialEstimateFactory(account=account, amount=Decimal(3), estimated_on=dt.date(2026, 12, 1))

    assert potential_effective(account=account, as_of=dt.date(2026, 11, 24)) == latest
    assert potential_effective(account=account, as_of=dt.date(2025, 12, 31)) is None


def test_effective_potential_tie_on_date_goes_to_the_latest_entered(manager) -> None:
    account = AccountFactory(owner=manager)
    PotentialEstimateFactory(account=account, amount=Decimal(1), estimated_on=dt.date(2026, 6, 1))
    second = PotentialEstimateFactory(
        account=account, amount=Decimal(2), estimated_on=dt.date(2026, 6, 1)
    )
    assert potential_effective(account=account, as_of=dt.date(2026, 6, 1)) == second


def test_the_owner_menu_offers_the_owners_of_visible_accounts(
    manager, other_manager, director
) -> None:
    AccountFactory(owner=manager)
    TeamMemberFactory(account=AccountFactory(owner=other_manager), user=manager)
    stranger = UserFactory(role=Role.MANAGER)
    AccountFactory(owner=stranger)
    AccountFactory(owner=UserFactory(role=Role.MANAGER, is_active=False))
    sales = UserFactory(role=Role.SALES)

    assert set(account_owners(actor=manager)) == {manager, other_manager}
    assert set(account_owners(actor=director)) == {manager, other_manager, stranger}
    assert list(account_owners(actor=sales)) == []
