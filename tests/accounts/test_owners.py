"""Who can own an account (issue 16 part 8, docs/rules.md "Who can hold a role"): a key
account manager or a director, on the page, through the API and in an import; the asker of
an approved request owns what they asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kam.accounts.importing import accounts_import
from kam.accounts.models import Account
from kam.accounts.services import (
    account_create,
    account_request_approve,
    account_request_create,
    account_update,
    team_member_add,
)
from kam.core.errors import InvalidInput
from kam.org.models import Role
from tests.conftest import api_client_for
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role", [Role.SALES, Role.MARKETING, Role.SERVICE, Role.EXECUTIVE, Role.ADMIN]
)
def test_only_managers_and_directors_are_given_accounts(director, role) -> None:
    # Given a user who cannot hold the owner's role
    person = UserFactory(role=role, first_name="Pat", last_name="Doe")
    account = AccountFactory(owner=director)

    # When a director creates an account for them or reassigns one to them
    # Then both are refused on the owner field, naming the person, and nothing changes
    with pytest.raises(InvalidInput) as created:
        account_create(actor=director, code="N1", name="New", owner_id=person.pk)
    with pytest.raises(InvalidInput) as reassigned:
        account_update(actor=director, account=account, owner_id=person.pk)
    assert created.value.errors[0].field == "owner_id"
    assert "Pat Doe cannot own accounts" in reassigned.value.errors[0].message
    assert not Account.objects.filter(code="N1").exists()
    account.refresh_from_db()
    assert account.owner == director


def test_managers_and_directors_may_be_given_accounts(director, manager) -> None:
    # Given a manager and a director, when each is made an owner, then it is accepted
    made = account_create(actor=director, code="N2", name="New", owner_id=manager.pk)
    account_update(actor=director, account=made, owner_id=director.pk)
    made.refresh_from_db()
    assert made.owner == director


def test_the_asker_of_an_approved_request_owns_it_whatever_their_role(director) -> None:
    # Given a sales representative's request for an account
    seller = UserFactory(role=Role.SALES)
    asked = account_request_create(actor=seller, code="ASK1", name="Asked")

    # When the director approves it, then the seller owns it (docs/rules.md)
    account = account_request_approve(actor=director, account_request=asked)
    assert account.owner == seller


def test_the_api_refuses_an_owner_who_cannot_own_naming_the_field(director) -> None:
    # Given an account and a marketing specialist
    account = AccountFactory(owner=director)
    person = UserFactory(role=Role.MARKETING)

    # When the director reassigns it to them through the API
    response = api_client_for(director).patch(
        f"/api/v1/accounts/{account.pk}",
        data=json.dumps({"owner_id": person.pk}),
        content_type="application/json",
    )

    # Then it answers 422 naming owner_id, and the owner stays
    assert response.status_code == 422
    assert "owner_id" in response.text
    account.refresh_from_db()
    assert account.owner == director


def test_an_import_refuses_an_owner_who_cannot_own_by_row(tmp_path: Path, director) -> None:
    # Given a file that gives one account to a service user and one to a manager
    UserFactory(username="svc", role=Role.SERVICE)
    UserFactory(username="mgr", role=Role.MANAGER)
    path = tmp_path / "accounts.csv"
    path.write_text("code,name,owner\nA,Alpha,svc\nB,Beta,mgr\n", encoding="utf-8")

    # When it is imported, then the file is rejected at the service user's row and column
    result = accounts_import(actor=director, path=path)
    assert result.status == "rejected"
    assert {(error.row, error.column) for error in result.errors} == {(2, "owner")}
    assert not Account.objects.exists()


def test_an_administrator_is_put_on_no_account_team(director) -> None:
    # Given an account and an administrator
    account = AccountFactory(owner=director)
    admin = UserFactory(role=Role.ADMIN, first_name="Ada", last_name="Root")

    # When a director adds the administrator to the team, then it is refused on the user field
    with pytest.raises(InvalidInput) as refused:
        team_member_add(actor=director, account=account, user_id=admin.pk, role="technical")
    assert refused.value.errors[0].field == "user_id"
    assert "Ada Root is an administrator" in refused.value.errors[0].message
    assert not account.team_members.exists()

    # And an executive may join as sponsor
    executive = UserFactory(role=Role.EXECUTIVE)
    team_member_add(actor=director, account=account, user_id=executive.pk, role="executive_sponsor")
    assert account.team_members.get().user == executive
