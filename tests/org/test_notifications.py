"""The inbox (docs/rules.md "Inbox"): notify, read, mark read, counted in the navigation."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kam.core.errors import InvalidInput
from kam.org.models import Notification
from kam.org.notifications import notification_kind_register
from kam.org.selectors import (
    notification_get,
    notifications_of,
    notifications_unread_count,
)
from kam.org.services import notification_mark_read, notifications_mark_all_read, notify
from tests.conftest import api_client_for
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_notify_reaches_each_recipient_once_but_not_the_actor_nor_the_inactive(manager) -> None:
    # Given a colleague, an inactive user and the actor among the recipients, one twice
    colleague = UserFactory(username="cole")
    gone = UserFactory(username="gone", is_active=False)

    # When the actor notifies them
    made = notify(
        recipients=[colleague, colleague, gone, manager],
        kind="test",
        text="Look at this",
        link="/accounts/1/",
        actor=manager,
    )

    # Then only the active colleague has it, once
    assert [n.recipient for n in made] == [colleague]
    assert list(Notification.objects.values_list("recipient__username", "text")) == [
        ("cole", "Look at this")
    ]


def test_notify_refuses_a_link_outside_kam(manager) -> None:
    with pytest.raises(InvalidInput) as raised:
        notify(recipients=[manager], kind="test", link="https://evil.example/")
    assert raised.value.errors[0].field == "link"
    assert not Notification.objects.exists()


def test_a_registered_kind_is_worded_in_the_readers_language(manager) -> None:
    # Given a kind whose message is a translated string with parameters
    notification_kind_register("test_hello", translation.gettext_lazy("Dashboard"))
    notification = NotificationFactory(recipient=manager, kind="test_hello")
    unknown = NotificationFactory(recipient=manager, kind="nobody-registered", text="as sent")

    # Then it reads in each language, and an unknown kind falls back to the sender's text
    with translation.override("zh-hans"):
        assert notification.message == "工作台"
    assert notification.message == "Dashboard"
    assert unknown.message == "as sent"


def test_the_inbox_lists_unread_first_then_newest(manager) -> None:
    old_unread = NotificationFactory(recipient=manager, text="old unread")
    read = NotificationFactory(recipient=manager, text="read")
    new_unread = NotificationFactory(recipient=manager, text="new unread")
    notification_mark_read(notification=read)
    NotificationFactory(text="someone else's")

    assert list(notifications_of(manager)) == [new_unread, old_unread, read]
    assert notifications_unread_count(manager) == 2


def test_marking_read_keeps_the_first_time_and_all_read_counts_what_changed(manager) -> None:
    first = NotificationFactory(recipient=manager)
    NotificationFactory(recipient=manager)
    theirs = NotificationFactory()

    when = notification_mark_read(notification=first).read_at
    assert notification_mark_read(notification=first).read_at == when
    assert notifications_mark_all_read(actor=manager) == 1
    assert notifications_unread_count(manager) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_users_notification_answers_404(manager, other_manager) -> None:
    theirs = NotificationFactory(recipient=other_manager)
    with pytest.raises(Http404):
        notification_get(actor=manager, notification_id=theirs.pk)


def test_the_inbox_api_lists_counts_and_marks_read(manager) -> None:
    # Given two unread notifications of the manager's and one of someone else's
    first = NotificationFactory(recipient=manager, text="first")
    NotificationFactory(recipient=manager, text="second")
    NotificationFactory(text="not hers")
    client = api_client_for(manager)

    # Then the inbox lists hers, the count says two, and marking one then all reads them
    listed = client.get("/api/v1/inbox").json()
    assert {row["text"] for row in listed["items"]} == {"first", "second"}
    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 2}
    marked = client.post(f"/api/v1/inbox/{first.pk}/read")
    assert marked.status_code == 200 and marked.json()["read_at"]
    assert [r["text"] for r in client.get("/api/v1/inbox?unread=true").json()["items"]] == [
        "second"
    ]
    assert client.post("/api/v1/inbox/read-all").json() == {"marked": 1}
    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 0}


def test_the_navigation_shows_the_unread_count_and_the_inbox_opens_links(manager) -> None:
    # Given an unread notification linking to the account list
    notification = NotificationFactory(recipient=manager, text="Have a look", link="/accounts/")
    client = Client()
    client.force_login(manager)

    # When the manager looks at any page, then at the inbox, then opens the notification
    page = client.get(reverse("profile")).content.decode()
    inbox = client.get(reverse("inbox")).content.decode()
    opened = client.get(reverse("inbox_open", args=[notification.pk]))

    # Then the navigation counts it, the inbox shows it, and opening it reads it
    assert 'class="count-badge"' in page and ">1</span>" in page
    assert "Have a look" in inbox and "unread" in inbox
    assert opened.status_code == 302 and opened["Location"] == "/accounts/"
    notification.refresh_from_db()
    assert notification.is_read
    assert 'class="count-badge"' not in client.get(reverse("profile")).content.decode()


def test_the_inbox_page_marks_all_read(manager) -> None:
    NotificationFactory(recipient=manager)
    client = Client()
    client.force_login(manager)

    response = client.post(reverse("inbox_mark_all_read"), follow=True)

    assert notifications_unread_count(manager) == 0
    assert "1 notification marked read." in response.content.decode()
