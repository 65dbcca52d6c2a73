"""Account writes: permissions (DOMAIN §13), validation, groups and history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kam.accounts.models import Account, AccountRequest
from kam.accounts.selectors import account_history
from kam.accounts.services import (
    ERROR_PARENT_CYCLE,
    account_create,
    account_delete,
    account_request_approve,
    account_request_create,
    account_set_key_status,
    account_update,
    note_add,
    note_delete,
    potential_estimate_add,
    prospects_become_customers,
    team_member_add,
    team_member_remove,
)
from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.org.models import Role
from tests.factories import AccountFactory, NoteFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_manager_owns_the_account_they_asked_for(manager, director) -> None:
    asked = account_request_create(actor=manager, code=" C1 ", name="Acme")
    account = account_request_approve(actor=director, account_request=asked)
    assert account.owner == manager
    assert account.code == "C1"


def test_a_manager_cannot_ask_for_an_account_for_someone_else(manager, other_manager) -> None:
    with pytest.raises(PermissionDenied):
        account_request_create(actor=manager, code="C1", name="Acme", owner_id=other_manager.pk)
    assert not AccountRequest.objects.exists()


def test_a_director_assigns_the_owner_on_creation(director, manager) -> None:
    account = account_create(actor=director, code="C1", name="Acme", owner_id=manager.pk)
    assert account.owner == manager


def test_codes_are_unique_ignoring_case(director) -> None:
    account_create(actor=director, code="ab-1", name="Acme")
    with pytest.raises(Conflict) as raised:
        account_create(actor=director, code="AB-1", name="Other")
    assert raised.value.errors[0].field == "code"
    assert Account.objects.count() == 1


def test_an_executive_writes_nothing(executive) -> None:
    with pytest.raises(PermissionDenied):
        account_create(actor=executive, code="C1", name="Acme")
    account = AccountFactory()
    with pytest.raises(PermissionDenied):
        account_update(actor=executive, account=account, name="Changed")
    with pytest.raises(PermissionDenied):
        note_add(actor=executive, account=account, body="hello")


def test_only_director_or_admin_reassign_the_owner(manager, other_manager, director) -> None:
    account = AccountFactory(owner=manager)
    with pytest.raises(PermissionDenied):
        account_update(actor=manager, account=account, owner_id=other_manager.pk)

    account_update(actor=director, account=account, owner_id=other_manager.pk)

    account.refresh_from_db()
    assert account.owner == other_manager


def test_a_parent_chain_may_not_loop_back(director) -> None:
    top = AccountFactory(code="TOP")
    middle = AccountFactory(code="MID", parent=top)
    leaf = AccountFactory(code="LEAF", parent=middle)

    with pytest.raises(InvalidInput) as raised:
        account_update(actor=director, account=top, parent_id=leaf.pk)
    with pytest.raises(InvalidInput):
        account_update(actor=director, account=top, parent_id=top.pk)

    assert raised.value.message == ERROR_PARENT_CYCLE
    assert raised.value.errors[0].field == "parent_id"
    top.refresh_from_db()
    assert top.parent is None


def test_a_parent_the_actor_cannot_see_is_refused_like_a_missing_one(
    manager, other_manager
) -> None:
    mine = AccountFactory(owner=manager)
    theirs = AccountFactory(owner=other_manager)
    with pytest.raises(InvalidInput) as raised:
        account_update(actor=manager, account=mine, parent_id=theirs.pk)
    assert raised.value.errors[0].field == "parent_id"


def test_factors_outside_one_to_five_are_refused(manager) -> None:
    account = AccountFactory(owner=manager)
    with pytest.raises(InvalidInput) as raised:
        account_update(actor=manager, account=account, credit_reputation=6)
    assert raised.value.errors[0].field == "credit_reputation"


def test_an_account_with_subsidiaries_cannot_be_deleted(director) -> None:
    parent = AccountFactory()
    AccountFactory(parent=parent)
    with pytest.raises(Conflict):
        account_delete(actor=director, account=parent)
    assert Account.objects.filter(pk=parent.pk).exists()


def test_a_manager_cannot_delete_an_account(manager) -> None:
    account = AccountFactory(owner=manager)
    with pytest.raises(PermissionDenied):
        account_delete(actor=manager, account=account)


def test_key_status_needs_a_director_and_a_reason(manager, director) -> None:
    account = AccountFactory(owner=manager)
    with pytest.raises(PermissionDenied):
        account_set_key_status(actor=manager, account=account, is_key=True, reason="Top 10")
    with pytest.raises(InvalidInput):
        account_set_key_status(actor=director, account=account, is_key=True, reason="  ")

    decision = account_set_key_status(
        actor=director, account=account, is_key=True, reason="Top 10 by revenue"
    )

    account.refresh_from_db()
    assert account.is_key
    assert account.key_reason == "Top 10 by revenue"
    assert decision.decided_by == director


def test_only_the_owner_or_a_director_changes_the_team(manager, other_manager) -> None:
    account = AccountFactory(owner=manager)
    colleague = UserFactory(role=Role.SALES)
    member = team_member_add(actor=manager, account=account, user_id=colleague.pk, role="sales")
    TeamMemberFactory(account=account, user=other_manager, role="technical")

    with pytest.raises(PermissionDenied):
        team_member_remove(actor=other_manager, member=member)
    with pytest.raises(Conflict):
        team_member_add(actor=manager, account=account, user_id=colleague.pk, role="sales")

    team_member_remove(actor=manager, member=member)
    assert not account.team_members.filter(user=colleague).exists()


def test_a_potential_estimate_is_kept_with_its_author(manager) -> None:
    account = AccountFactory(owner=manager)
    estimate = potential_estimate_add(
        actor=manager,
        account=account,
        amount=Decimal("50000000.00"),
        estimated_on=dt.date(2026, 10, 1),
        source="Budget",
    )
    assert estimate.author == manager
    with pytest.raises(InvalidInput):
        potential_estimate_add(
            actor=manager, account=account, amount=Decimal("-1"), estimated_on=dt.date(2026, 10, 1)
        )


def test_mentions_record_only_people_who_can_see_the_account(
    manager, other_manager, director
) -> None:
    account = AccountFactory(owner=manager)
    note = note_add(
        actor=manager,
        account=account,
        body="Ask @DORA and @otto, mail me at x@mia.example, and @nobody.",
    )
    assert set(note.mentions.all()) == {director}


def test_only_the_author_or_a_director_deletes_a_note(manager, director) -> None:
    account = AccountFactory(owner=manager)
    colleague = UserFactory(role=Role.SALES)
    TeamMemberFactory(account=account, user=colleague)
    note = NoteFactory(account=account, author=manager)
    with pytest.raises(PermissionDenied):
        note_delete(actor=colleague, note=note)
    note_delete(actor=director, note=note)
    assert not account.notes.exists()


def test_history_shows_who_changed_what_with_old_and_new_values(manager, director) -> None:
    account = account_create(
        actor=director, code="C1", name="Acme", industry="Energy", owner_id=manager.pk
    )
    account_update(actor=manager, account=account, name="Acme Power")
    account_update(actor=director, account=account, owner_id=director.pk)

    entries = account_history(account=account)

    owner_change, name_change, creation = entries[0], entries[1], entries[-1]
    assert owner_change.user == director.display_name
    assert (owner_change.changes[0].old, owner_change.changes[0].new) == (
        manager.display_name,
        director.display_name,
    )
    assert name_change.user == manager.display_name
    assert (name_change.changes[0].old, name_change.changes[0].new) == ("Acme", "Acme Power")
    assert creation.changes == ()


def test_prospects_among_the_buyers_become_customers_with_history(director) -> None:
    prospect = AccountFactory(code="P1", status="prospect")
    other_prospect = AccountFactory(code="P2", status="prospect")
    lapsed = AccountFactory(code="L1", status="former")

    changed = prospects_become_customers(account_ids={prospect.pk, lapsed.pk}, actor=director)

    assert changed == [prospect.pk]
    statuses = dict(Account.objects.values_list("code", "status"))
    assert statuses == {"P1": "customer", "P2": "prospect", "L1": "former"}
    assert prospect.history.first().status == "customer"
    assert prospect.history.first().history_user == director
    assert other_prospect.history.count() == 1
