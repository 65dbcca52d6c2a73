"""@mentions in notes (docs/rules.md "Mentions"): who is told, who is reported back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kam.accounts.services import note_post
from kam.org.models import Role
from kam.org.selectors import notifications_of, notifications_unread_count
from tests.conftest import api_client_for
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_mention_reaches_the_inbox_with_a_link_to_the_note(manager, director) -> None:
    # Given an account of Mia's and a sales colleague on its team
    account = AccountFactory(owner=manager, code="ACME", name="Acme Tools")
    sam = UserFactory(username="sam", role=Role.SALES, first_name="Sam", last_name="Lee")
    TeamMemberFactory(account=account, user=sam)

    # When Mia mentions Sam (in capitals, ending a sentence) and the director
    posted = note_post(actor=manager, account=account, body="Call them, @SAM. cc @dora")

    # Then both are recorded and told, the link opens the note on the account page
    assert set(posted.note.mentions.all()) == {sam, director}
    assert posted.unknown_mentions == () and posted.mentions_without_access == ()
    notification = notifications_of(sam).get()
    assert notification.link == f"/accounts/{account.pk}/#note-{posted.note.pk}"
    assert notification.text == "Call them, @SAM. cc @dora"
    assert notification.actor == manager
    assert (
        notification.message == f"{manager.display_name} mentioned you in a note on ACME Acme Tools"
    )
    assert notifications_unread_count(director) == 1


def test_an_unknown_name_and_a_colleague_without_access_are_reported_not_told(
    manager, other_manager
) -> None:
    # Given Otto, a manager who cannot see Mia's account, and a name nobody has
    account = AccountFactory(owner=manager)
    UserFactory(username="ghost", is_active=False)

    # When Mia mentions Otto, "nobody" and the departed ghost
    posted = note_post(actor=manager, account=account, body="@otto @nobody @ghost, see this")

    # Then nobody is told; the writer hears which names reached nobody and why
    assert posted.unknown_mentions == ("nobody", "ghost")
    assert posted.mentions_without_access == ("otto",)
    assert not posted.note.mentions.exists()
    assert notifications_unread_count(other_manager) == 0


def test_mentioning_yourself_or_an_address_tells_nobody(manager) -> None:
    account = AccountFactory(owner=manager)

    posted = note_post(actor=manager, account=account, body="Note to @mia: mail x@otto.example")

    assert list(posted.note.mentions.all()) == [manager]
    assert posted.unknown_mentions == ()
    assert notifications_unread_count(manager) == 0


def test_the_api_answers_the_names_that_reached_nobody(manager, other_manager, director) -> None:
    account = AccountFactory(owner=manager)

    response = api_client_for(manager).post(
        f"/api/v1/accounts/{account.pk}/notes",
        data={"body": "@dora @otto @zed"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mention_ids"] == [director.pk]
    assert body["unknown_mentions"] == ["zed"]
    assert body["mentions_without_access"] == ["otto"]


def test_the_page_says_who_was_told_and_which_names_reached_nobody(manager, other_manager) -> None:
    # Given Mia on her account's page and a colleague on its team
    account = AccountFactory(owner=manager)
    TeamMemberFactory(
        account=account, user=UserFactory(username="sam", first_name="Sam", last_name="Lee")
    )
    client = Client()
    client.force_login(manager)

    # When she posts a note mentioning Sam, Otto and a name nobody has
    response = client.post(
        reverse("account_note_add", args=[account.pk]), {"body": "@sam @otto @zed look"}
    )
    page = client.get(response["Location"]).content.decode()

    # Then she lands on her note and reads who was told and which names reached nobody
    note = account.notes.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#note-{note.pk}")
    assert f'id="note-{note.pk}"' in page
    assert "Sam Lee will find it in their inbox" in page
    assert "Nobody has the login name @zed" in page
    assert "@otto cannot see this account" in page
