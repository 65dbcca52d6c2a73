"""The calendar through the API (DOMAIN §9): make, rotate, look at and revoke the feed; an
activity's .ics invitation."""

from __future__ import annotations

import icalendar
import pytest
import vobject
from django.test import Client
from django.utils import timezone

from kam.engagement.calendar.models import CalendarFeed
from kam.org.models import User
from tests.conftest import api_client_for
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_a_feed_is_made_shown_once_rotated_and_revoked(manager: User) -> None:
    client = api_client_for(manager)
    ActivityFactory(account__owner=manager, subject="Plant tour", planned_for=timezone.now())

    # Given no feed yet
    assert client.get(f"{API}/calendar-feed").json() == {
        "exists": False,
        "created_at": None,
        "last_fetched_at": None,
        "url": None,
    }

    # When she makes one, the answer carries the URL, and that URL serves her activities
    made = client.post(f"{API}/calendar-feed")
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.startswith("http://testserver/calendar/kcal_") and url.endswith(".ics")
    assert "Plant tour" in Client().get(url).content.decode()

    # Then looking again tells it exists and when it was fetched, never the URL
    shown = client.get(f"{API}/calendar-feed").json()
    assert shown["exists"] is True and shown["url"] is None
    assert shown["last_fetched_at"] is not None

    # When she makes a new one, the old URL stops working
    rotated = client.post(f"{API}/calendar-feed").json()["url"]
    assert Client().get(url).status_code == 404
    assert Client().get(rotated).status_code == 200

    # When she revokes it, it stops too; revoking again is harmless
    assert client.delete(f"{API}/calendar-feed").status_code == 204
    assert Client().get(rotated).status_code == 404
    assert client.delete(f"{API}/calendar-feed").status_code == 204
    assert not CalendarFeed.objects.filter(user=manager).exists()


def test_an_executive_may_subscribe_to_their_own_calendar(executive: User) -> None:
    made = api_client_for(executive).post(f"{API}/calendar-feed")
    assert made.status_code == 201
    assert Client().get(made.json()["url"]).status_code == 200


def test_the_invitation_parses_and_another_managers_answers_404(manager, other_manager) -> None:
    visit = ActivityFactory(
        account__owner=manager, subject="Plant tour", planned_for=timezone.now()
    )
    theirs = ActivityFactory(account__owner=other_manager, planned_for=timezone.now())
    client = api_client_for(manager)

    response = client.get(f"{API}/activities/{visit.pk}/invite.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert str(icalendar.Calendar.from_ical(text)["METHOD"]) == "REQUEST"
    assert vobject.readOne(text).vevent.uid.value == f"activity-{visit.pk}@localhost"
    missing = client.get(f"{API}/activities/{theirs.pk}/invite.ics")
    assert missing.status_code == 404
    assert set(missing.json()) == {"detail", "errors"}
