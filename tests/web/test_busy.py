"""A page write that meets a held write lock answers a 503 busy page, never 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kam.accounts.models import Note
from kam.core.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _note_form(user: Any, account: Any, request: pytest.FixtureRequest, **headers: str) -> Any:
    client = Client()
    client.force_login(user)
    request.getfixturevalue("held_write_lock")
    return client.post(f"/accounts/{account.pk}/notes/", {"body": "Call back"}, headers=headers)


def test_a_page_write_meeting_a_held_lock_shows_the_busy_page(
    director: Any, request: pytest.FixtureRequest
) -> None:
    # Given an account, and another writer holding the database
    account = AccountFactory(code="C1")

    # When a note is posted through the account page
    response = _note_form(director, account, request)

    # Then the page says kam is busy and when to try again; no note was written
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert str(BUSY_MESSAGE) in response.content.decode()
    assert not Note.objects.exists()


def test_the_busy_page_is_translated_and_htmx_gets_the_message_alone(
    director: Any, request: pytest.FixtureRequest
) -> None:
    # Given a director reading kam in Chinese, and another writer holding the database
    director.language = "zh-hans"
    director.save(update_fields=["language"])
    account = AccountFactory(code="C1")

    # When htmx posts a note
    response = _note_form(director, account, request, HX_Request="true")

    # Then the answer is the message alone, in Chinese
    with translation.override("zh-hans"):
        message = str(BUSY_MESSAGE)
    body = response.content.decode()
    assert response.status_code == 503
    assert message in body
    assert message != "kam is busy finishing an import; try again in a few seconds."
    assert "<html" not in body
