"""A write that meets a held write lock answers 503 with Retry-After, never 500."""

from __future__ import annotations

from typing import Any

import pytest

from kam.accounts.models import Account
from kam.core.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_api_write_meeting_a_held_lock_answers_503_with_retry_after(
    director: Any, api_as: Any, request: pytest.FixtureRequest
) -> None:
    # Given an account, and another writer holding the database
    account = AccountFactory(code="C1", legal_name="Before")
    client = api_as(director)
    request.getfixturevalue("held_write_lock")

    # When the API is asked to change it
    response = client.patch(
        f"/api/v1/accounts/{account.pk}", {"legal_name": "After"}, content_type="application/json"
    )

    # Then it says busy, when to try again, and nothing was written
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["detail"] == str(BUSY_MESSAGE)


def test_the_same_api_write_succeeds_once_the_lock_is_gone(director: Any, api_as: Any) -> None:
    # Given an account and no other writer
    account = AccountFactory(code="C1", legal_name="Before")

    # When the API is asked to change it
    response = api_as(director).patch(
        f"/api/v1/accounts/{account.pk}", {"legal_name": "After"}, content_type="application/json"
    )

    # Then it is changed
    assert response.status_code == 200
    assert Account.objects.get(pk=account.pk).legal_name == "After"
