"""The calendar feed and the per-activity invitation (DOMAIN §9, RFC 5545): every file kam
writes is read back by two independent parsers, `icalendar` and `vobject`."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kam.engagement.activities.services import activity_cancel, activity_update
from kam.engagement.calendar.models import CalendarFeed
from kam.engagement.calendar.selectors import CANCELLED_DAYS, FEED_WEEKS_BACK
from kam.engagement.calendar.services import feed_create, feed_revoke
from kam.org.models import User
from tests.conftest import signed_in
from tests.factories import AccountFactory, ActivityFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

CALENDAR_REQUIRED = ("PRODID", "VERSION")
EVENT_REQUIRED = ("UID", "DTSTAMP", "DTSTART")


def _fetch(raw: str, **headers: Any) -> Any:
    return Client().get(reverse("calendar_feed", args=[raw]), **headers)


def _feed_url(user: User) -> str:
    _feed, raw = feed_create(actor=user)
    return raw


def _parse(body: bytes) -> tuple[icalendar.Calendar, Any]:
    """The text read by both parsers; each must accept it whole."""
    text = body.decode("utf-8")
    return icalendar.Calendar.from_ical(text), vobject.readOne(text)


def _events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def _check_required(calendar: icalendar.Calendar, vcal: Any) -> None:
    """Every property RFC 5545 requires, in both parsers' reading."""
    for name in CALENDAR_REQUIRED:
        assert calendar.get(name), name
    assert str(calendar["VERSION"]) == "2.0"
    assert vcal.version.value == "2.0"
    assert vcal.prodid.value == str(calendar["PRODID"])
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone.get("TZID")
    assert zone.walk("STANDARD") or zone.walk("DAYLIGHT")
    for part in zone.walk("STANDARD") + zone.walk("DAYLIGHT"):
        for name in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
            assert part.get(name) is not None, name
    for event in _events(calendar):
        for name in EVENT_REQUIRED:
            assert event.get(name) is not None, name
        assert event.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
    assert len(vcal.contents.get("vevent", [])) == len(_events(calendar))
    for vevent in vcal.contents.get("vevent", []):
        assert vevent.uid.value and vevent.dtstamp.value and vevent.dtstart.value


@pytest.fixture
def mia() -> User:
    return UserFactory(username="mia", first_name="Mia", last_name="Wu")


def test_the_feed_parses_in_two_parsers_with_every_required_property(mia: User, settings) -> None:
    # Given Mia's planned visit with one of ours and two of theirs, one without an email
    settings.TIME_ZONE = "Asia/Shanghai"
    account = AccountFactory(owner=mia, name="Ningbo Plastics Group")
    li = ContactFactory(account=account, name="Li Na", email="li.na@ningbo.example")
    ContactFactory(account=account, name="Zhou Bo")
    colleague = UserFactory(username="sam", first_name="Sam", last_name="Ho")
    visit = ActivityFactory(
        account=account,
        subject="Quarterly business review",
        notes="Bring the spindle samples",
        planned_for=timezone.now() + dt.timedelta(days=3),
        duration_minutes=90,
    )
    visit.our_participants.set([colleague])
    visit.their_participants.set([li, *account.contacts.filter(name="Zhou Bo")])
    raw = _feed_url(mia)

    # When her calendar fetches the feed without signing in
    response = _fetch(raw)

    # Then it is iCalendar text both parsers read, with what RFC 5545 requires
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, vcal = _parse(response.content)
    _check_required(calendar, vcal)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert "Mia Wu" in str(calendar["X-WR-CALNAME"])
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    (event,) = _events(calendar)
    assert str(event["UID"]) == f"activity-{visit.pk}@localhost"
    assert str(event["SUMMARY"]) == "Quarterly business review · Ningbo Plastics Group"
    assert "Bring the spindle samples" in str(event["DESCRIPTION"])
    assert "Zhou Bo" in str(event["DESCRIPTION"])  # named, though no address to invite
    assert f"/accounts/{account.pk}/" in str(event["URL"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=90)
    assert event.decoded("DTSTART") == visit.planned_for.replace(microsecond=0)
    assert str(event["ORGANIZER"]) == "mailto:mia@example.com"
    assert event["ORGANIZER"].params["CN"] == "Mia Wu"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:sam@example.com", "mailto:li.na@ningbo.example"}
    assert attendees["mailto:li.na@ningbo.example"]["CN"] == "Li Na"
    assert attendees["mailto:li.na@ningbo.example"]["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees["mailto:sam@example.com"]["PARTSTAT"] == "ACCEPTED"
    assert {a["ROLE"] for a in attendees.values()} == {"REQ-PARTICIPANT"}
    assert int(event["SEQUENCE"]) == 0
    assert event.get("LAST-MODIFIED") is not None
    # And vobject reads the same moment and the same people
    (vevent,) = vcal.vevent_list
    assert vevent.dtstart.value == visit.planned_for.replace(microsecond=0)
    assert {a.value for a in vevent.attendee_list} == set(attendees)


@pytest.mark.parametrize(
    ("zone", "parts"),
    [("America/New_York", {"STANDARD", "DAYLIGHT"}), ("Asia/Shanghai", {"STANDARD"})],
)
def test_the_time_zone_is_the_companys_across_daylight_saving(zone, parts, mia, settings) -> None:
    # Given a company in `zone`, and visits in winter and in summer
    settings.TIME_ZONE = zone
    here = ZoneInfo(zone)
    today = timezone.now().astimezone(here).date()
    winter = dt.datetime(today.year + 1, 1, 15, 9, 30, tzinfo=here)
    summer = dt.datetime(today.year + 1, 7, 15, 9, 30, tzinfo=here)
    horizon = timezone.now() + dt.timedelta(days=365)
    moments = [m for m in (winter, summer) if m < horizon]
    for moment in moments:
        ActivityFactory(account__owner=mia, planned_for=moment)

    # When the feed is read
    calendar, vcal = _parse(_fetch(_feed_url(mia)).content)

    # Then its VTIMEZONE is the company's, with the parts that zone has
    _check_required(calendar, vcal)
    (component,) = calendar.walk("VTIMEZONE")
    assert str(component["TZID"]) == zone
    assert {part.name for part in component.subcomponents} == parts
    # And each visit reads 09:30 on the company's wall clock, at the right instant, in both
    for event, vevent, moment in zip(_events(calendar), vcal.vevent_list, moments, strict=True):
        assert event["DTSTART"].params["TZID"] == zone
        assert event.decoded("DTSTART").strftime("%H:%M") == "09:30"
        assert event.decoded("DTSTART") == moment
        assert vevent.dtstart.value == moment
        assert vevent.dtstart.value.utcoffset() == moment.utcoffset()
    if zone == "America/New_York" and len(moments) == 2:
        offsets = {e.decoded("DTSTART").utcoffset() for e in _events(calendar)}
        assert offsets == {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}


def test_uids_are_stable_across_fetches_and_a_change_raises_the_sequence(mia: User) -> None:
    # Given two planned visits, fetched once
    first = ActivityFactory(account__owner=mia, planned_for=timezone.now() + dt.timedelta(days=1))
    ActivityFactory(account__owner=mia, planned_for=timezone.now() + dt.timedelta(days=2))
    raw = _feed_url(mia)
    before = {str(e["UID"]): e for e in _events(_parse(_fetch(raw).content)[0])}

    # When one is renamed and the feed fetched again
    activity_update(actor=mia, activity=first, subject="Moved agenda")
    after = {str(e["UID"]): e for e in _events(_parse(_fetch(raw).content)[0])}

    # Then the events keep their UIDs; the changed one has a higher SEQUENCE
    assert set(before) == set(after)
    uid = f"activity-{first.pk}@localhost"
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    assert str(after[uid]["SUMMARY"]).startswith("Moved agenda")


def test_the_uid_domain_is_the_configured_one(mia: User, settings) -> None:
    settings.CALENDAR_DOMAIN = "kam.example.com"
    visit = ActivityFactory(account__owner=mia, planned_for=timezone.now())
    (event,) = _events(_parse(_fetch(_feed_url(mia)).content)[0])
    assert str(event["UID"]) == f"activity-{visit.pk}@kam.example.com"


def test_a_revoked_or_rotated_or_unknown_token_answers_404(mia: User) -> None:
    # Given a feed URL, and a second one made after it
    old = _feed_url(mia)
    new = _feed_url(mia)

    # Then the old one is dead, the new one works
    assert _fetch(old).status_code == 404
    assert _fetch(new).status_code == 200
    assert Client().head(reverse("calendar_feed", args=[new])).status_code == 200
    assert CalendarFeed.objects.filter(user=mia).count() == 1
    # When it is revoked, it is dead too, as is a made-up one
    assert feed_revoke(actor=mia) is True
    assert _fetch(new).status_code == 404
    assert _fetch("kcal_" + "x" * 43).status_code == 404
    assert _fetch("nonsense").status_code == 404
    assert feed_revoke(actor=mia) is False  # harmless twice


def test_a_deactivated_users_feed_answers_404(mia: User) -> None:
    raw = _feed_url(mia)
    mia.is_active = False
    mia.save()
    assert _fetch(raw).status_code == 404


def test_the_feed_has_only_the_users_activities_on_accounts_they_see(mia, other_manager) -> None:
    # Given Mia's visit, Otto's visit, and Otto's visit on his account that Mia takes part in
    now = timezone.now() + dt.timedelta(days=1)
    own = ActivityFactory(account__owner=mia, subject="Mine", planned_for=now)
    ActivityFactory(account__owner=other_manager, subject="SECRET of Otto", planned_for=now)
    joined = ActivityFactory(account__owner=other_manager, subject="Joined", planned_for=now)
    joined.our_participants.set([mia])
    # And a colleague's visit on Mia's own account, without her
    ActivityFactory(
        account=own.account, owner=UserFactory(), subject="Not with me", planned_for=now
    )

    # When Mia's feed is fetched
    body = _fetch(_feed_url(mia)).content.decode()

    # Then only her own activity is there: Otto's account is not hers to see, so the one
    # she was added to on it stays out too (§13), and a colleague's is not hers
    assert "Mine" in body
    assert "SECRET" not in body
    assert "Joined" not in body
    assert "Not with me" not in body


def test_the_window_cancelled_and_done_activities(mia: User) -> None:
    # Given activities in and out of the window, done, cancelled lately and long ago
    now = timezone.now()
    account = AccountFactory(owner=mia)
    soon = ActivityFactory(account=account, subject="Soon", planned_for=now + dt.timedelta(days=1))
    ActivityFactory(
        account=account,
        subject="Too old",
        planned_for=now - dt.timedelta(weeks=FEED_WEEKS_BACK + 1),
    )
    ActivityFactory(account=account, subject="Too far", planned_for=now + dt.timedelta(days=400))
    ActivityFactory(
        account=account,
        subject="Held",
        status="done",
        planned_for=now - dt.timedelta(days=2),
        done_at=now - dt.timedelta(days=2),
    )
    ActivityFactory(account=account, subject="Logged", status="done", planned_for=None, done_at=now)
    dropped = ActivityFactory(
        account=account, subject="Dropped", planned_for=now + dt.timedelta(days=5)
    )
    activity_cancel(actor=mia, activity=dropped)
    long_ago = ActivityFactory(
        account=account, subject="Dropped long ago", planned_for=now + dt.timedelta(days=6)
    )
    activity_cancel(actor=mia, activity=long_ago)
    type(long_ago).objects.filter(pk=long_ago.pk).update(
        updated_at=now - dt.timedelta(days=CANCELLED_DAYS + 1)
    )

    # When the feed is read
    calendar, vcal = _parse(_fetch(_feed_url(mia)).content)
    _check_required(calendar, vcal)
    status = {str(e["SUMMARY"]).split(" · ")[0]: str(e["STATUS"]) for e in _events(calendar)}

    # Then the window holds the planned, the held and the lately cancelled (to be removed)
    assert status == {"Soon": "CONFIRMED", "Held": "CONFIRMED", "Dropped": "CANCELLED"}
    assert [str(e["UID"]) for e in _events(calendar)][1] == f"activity-{soon.pk}@localhost"


def test_long_chinese_text_with_commas_semicolons_and_newlines_folds_and_escapes(mia) -> None:
    # Given a subject of 60 Chinese characters and notes full of RFC 5545's special characters
    subject = "上海精密机械有限公司季度业务回顾，讨论价格；交付与服务" * 2 + "：结论"
    notes = "第一行, with commas; and semicolons\n第二行 \\ backslash" + "。很长的说明" * 40
    account = AccountFactory(owner=mia, name="宁波塑料集团, 股份; 有限")
    ActivityFactory(account=account, subject=subject[:200], notes=notes, planned_for=timezone.now())

    # When the feed is fetched
    body = _fetch(_feed_url(mia)).content

    # Then no line is longer than 75 octets, lines end CRLF, and both parsers give the text back
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert b"\n" not in body.replace(b"\r\n", b"")
    body.decode("utf-8")  # folding never splits a character
    calendar, vcal = _parse(body)
    (event,) = _events(calendar)
    summary = f"{subject[:200]} · 宁波塑料集团, 股份; 有限"
    assert str(event["SUMMARY"]) == summary
    assert notes in str(event["DESCRIPTION"])
    assert vcal.vevent.summary.value == summary
    assert notes in vcal.vevent.description.value


@pytest.mark.parametrize("rows", [2, 12])
def test_a_fetch_takes_few_queries_whatever_its_rows(rows, mia, django_assert_max_num_queries):
    # Given `rows` visits, each with one of ours and one of theirs
    for _ in range(rows):
        visit = ActivityFactory(account__owner=mia, planned_for=timezone.now())
        visit.our_participants.set([UserFactory()])
        visit.their_participants.set([ContactFactory(account=visit.account, email="a@b.example")])
    raw = _feed_url(mia)

    # Then the feed (the token, the rows, two prefetches, the fetch's record) stays bounded
    with django_assert_max_num_queries(6):
        response = _fetch(raw)
    assert len(_events(_parse(response.content)[0])) == rows


def test_a_fetch_is_recorded_and_answers_304_when_nothing_changed(mia: User) -> None:
    ActivityFactory(account__owner=mia, planned_for=timezone.now())
    raw = _feed_url(mia)

    first = _fetch(raw)
    feed = CalendarFeed.objects.get(user=mia)
    assert feed.last_fetched_at is not None
    again = _fetch(raw, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert first["Last-Modified"]
    assert CalendarFeed.objects.get(user=mia).last_fetched_at == feed.last_fetched_at


def test_the_feed_speaks_the_users_language(mia: User) -> None:
    mia.language = "zh-hans"
    mia.save()
    ActivityFactory(account__owner=mia, planned_for=timezone.now(), channel="phone")
    calendar, _vcal = _parse(_fetch(_feed_url(mia)).content)
    (event,) = _events(calendar)
    assert str(event["LOCATION"]) == "电话"


def test_the_invitation_is_a_request_for_the_activity_and_404_for_another_managers(
    mia, other_manager
) -> None:
    # Given Mia's visit and Otto's
    visit = ActivityFactory(account__owner=mia, subject="Plant tour", planned_for=timezone.now())
    theirs = ActivityFactory(account__owner=other_manager, planned_for=timezone.now())
    client = signed_in(mia)

    # When she downloads her visit's invitation
    response = client.get(reverse("activity_invitation", args=[visit.pk]))

    # Then it is an .ics attachment with METHOD:REQUEST and the same UID as in the feed
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="activity-{visit.pk}.ics"' in response["Content-Disposition"]
    calendar, vcal = _parse(response.content)
    _check_required(calendar, vcal)
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = _events(calendar)
    assert str(event["UID"]) == f"activity-{visit.pk}@localhost"
    assert vcal.vevent.organizer.value == "mailto:mia@example.com"
    # And Otto's, or one that does not exist, is not found; signed out, she is sent to sign in
    assert client.get(reverse("activity_invitation", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("activity_invitation", args=[2**31])).status_code == 404
    assert Client().get(reverse("activity_invitation", args=[visit.pk])).status_code == 302


def test_the_agenda_card_makes_shows_once_and_revokes_the_url(mia: User) -> None:
    # Given Mia's agenda without a subscription
    client = signed_in(mia)
    ActivityFactory(account__owner=mia, subject="Plant tour", planned_for=timezone.now())
    page = client.get(reverse("agenda")).content.decode()
    assert "Calendar subscription" in page
    assert "Make a subscription URL" in page
    assert reverse("activity_invitation", args=[mia.owned_activities.get().pk]) in page

    # When she makes a URL (htmx), the card shows it this once with a copy button
    card = client.post(reverse("calendar_feed_create"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="calendar-link"' in card and 'data-copy="calendar-link"' in card
    assert "/calendar/kcal_" in card
    # Then the agenda later says it exists, not fetched yet, and no longer shows it
    page = client.get(reverse("agenda")).content.decode()
    assert "/calendar/kcal_" not in page
    assert "Not fetched by a calendar yet." in page and "Revoke" in page

    # When she asks for a new URL without htmx, the agenda page shows the new one
    full = client.post(reverse("calendar_feed_create")).content.decode()
    assert "/calendar/kcal_" in full and "<h1>Agenda</h1>" in full

    # When she revokes it, the card goes back to its empty state
    answer = client.post(reverse("calendar_feed_revoke"))
    assert answer.status_code == 302
    assert not CalendarFeed.objects.filter(user=mia).exists()
    assert "Make a subscription URL" in client.get(reverse("agenda")).content.decode()
    # And the forms are POST only
    assert client.get(reverse("calendar_feed_create")).status_code == 405
