"""Reads for users: the one lookup of a user by name (the CLI's --user, an owner column)."""

from __future__ import annotations

import pytest

from kam.org.selectors import user_named, users_named

pytestmark = pytest.mark.django_db


def test_a_user_is_found_by_name_whatever_the_case(make_user) -> None:
    alice = make_user(username="alice")

    assert user_named("alice") == alice
    assert user_named("ALICE") == alice
    assert user_named("bob") is None


def test_inactive_users_are_not_found(make_user) -> None:
    make_user(username="gone", is_active=False)

    assert user_named("gone") is None


def test_many_names_are_looked_up_at_once(make_user, django_assert_num_queries) -> None:
    alice, bob = make_user(username="alice"), make_user(username="Bob")

    with django_assert_num_queries(1):
        found = users_named(["Alice", "bob", "nobody", ""])

    assert found == {"alice": alice, "bob": bob}
