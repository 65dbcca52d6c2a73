"""iCalendar (RFC 5545) text of planned activities (DOMAIN §9): the user's feed (METHOD
PUBLISH) and one activity's invitation (METHOD REQUEST).

Each activity is one VEVENT whose UID never changes (`activity-<id>@<domain>`, docs/rules.md
"Calendar"), dated in the company's time zone with that zone's VTIMEZONE built from the
zoneinfo transitions around the events; SEQUENCE counts the activity's saved revisions, so a
client replaces its copy when the activity changes. The `icalendar` library escapes the text
and folds lines at 75 octets (RFC 5545 §3.1, §3.3.11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration

from kam.engagement.activities.models import Activity, ActivityStatus, Channel
from kam.org.models import User

PRODID = "-//kam//Key account management//EN"
# An activity planned without a duration takes this long in a calendar.
DEFAULT_DURATION_MINUTES = 60
# Clients asked to look again this often (REFRESH-INTERVAL, RFC 7986; X-PUBLISHED-TTL).
REFRESH = dt.timedelta(hours=1)
# The VTIMEZONE covers the events' dates with this margin either side.
ZONE_MARGIN = dt.timedelta(days=366)
CONTENT_TYPE = "text/calendar; charset=utf-8"  # RFC 5545 §8.1


def uid_domain() -> str:
    """KAM_CALENDAR_DOMAIN, else the first concrete host kam answers to."""
    if settings.CALENDAR_DOMAIN:
        return str(settings.CALENDAR_DOMAIN)
    for allowed in settings.ALLOWED_HOSTS:
        host = str(allowed).lstrip(".")
        if host and "*" not in host and not host.startswith("["):
            return host
    return "kam.invalid"


def event_uid(activity: Activity) -> str:
    """The event's UID: the same in every fetch, feed or invitation (RFC 5545 §3.8.4.7)."""
    return f"activity-{activity.pk}@{uid_domain()}"


def _zone_component(zone: ZoneInfo, moments: Sequence[dt.datetime], now: dt.datetime) -> Timezone:
    days = [moment.astimezone(zone).date() for moment in moments] or [now.date()]
    return Timezone.from_tzinfo(
        zone,
        tzid=zone.key,
        first_date=min(days) - ZONE_MARGIN,
        last_date=max(days) + ZONE_MARGIN,
    )


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def _attendees(activity: Activity) -> list[vCalAddress]:
    """Our participants (accepted: they planned it) and the customer's people (asked, no
    reply requested); a person without an email address is named in the description only."""
    ours = [
        _address(
            user.email,
            user.display_name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED",
            rsvp="FALSE",
        )
        for user in activity.our_participants.all()
        if user.email
    ]
    theirs = [
        _address(
            contact.email,
            contact.name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp="FALSE",
        )
        for contact in activity.their_participants.all()
        if contact.email
    ]
    return ours + theirs


def _location(activity: Activity) -> str:
    if activity.channel == Channel.ON_SITE:
        return f"{activity.account.name} ({activity.get_channel_display()})"
    return str(activity.get_channel_display())


def _description(activity: Activity, account_url: str) -> str:
    people = [user.display_name for user in activity.our_participants.all()]
    people += [contact.name for contact in activity.their_participants.all()]
    parts = [activity.notes.strip()] if activity.notes.strip() else []
    if people:
        parts.append(_("Participants: %(names)s") % {"names": ", ".join(people)})
    parts.append(
        _("Account: %(name)s %(url)s") % {"name": activity.account.name, "url": account_url}
    )
    return "\n\n".join(parts)


def _event(activity: Activity, *, zone: ZoneInfo, base_url: str, now: dt.datetime) -> Event:
    start = (activity.planned_for or now).astimezone(zone)
    minutes = activity.duration_minutes or DEFAULT_DURATION_MINUTES
    account_url = base_url + reverse("account_detail", args=[activity.account_id])
    event = Event()
    event.add("uid", event_uid(activity))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=minutes))
    event.add("summary", f"{activity.subject} · {activity.account.name}")
    event.add("description", _description(activity, account_url))
    event.add("location", _location(activity))
    event.add("categories", [str(activity.get_kind_display())])
    owner: User = activity.owner
    if owner.email:
        event.add("organizer", _address(owner.email, owner.display_name))
    for attendee in _attendees(activity):
        event.add("attendee", attendee)
    event.add("sequence", max(0, int(getattr(activity, "revisions", 1)) - 1))
    cancelled = activity.status == ActivityStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("created", activity.created_at.astimezone(dt.UTC))
    event.add("last-modified", activity.updated_at.astimezone(dt.UTC))
    event.add("url", account_url)
    return event


def _calendar(
    method: str, events: Iterable[Activity], *, zone: ZoneInfo, base_url: str, now: dt.datetime
) -> Calendar:
    rows = list(events)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    moments = [row.planned_for for row in rows if row.planned_for is not None]
    calendar.add_component(_zone_component(zone, moments, now))
    for row in rows:
        calendar.add_component(_event(row, zone=zone, base_url=base_url, now=now))
    return calendar


def feed_ics(
    activities: Iterable[Activity],
    *,
    user: User,
    zone: ZoneInfo,
    base_url: str,
    now: dt.datetime,
) -> bytes:
    """The user's feed (§9): METHOD:PUBLISH, named after them, one VEVENT per activity."""
    calendar = _calendar("PUBLISH", activities, zone=zone, base_url=base_url, now=now)
    name = _("kam: %(name)s's activities") % {"name": user.display_name}
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return bytes(calendar.to_ical())


def invitation_ics(activity: Activity, *, zone: ZoneInfo, base_url: str, now: dt.datetime) -> bytes:
    """One activity as an invitation to open in a calendar (§9): METHOD:REQUEST."""
    calendar = _calendar("REQUEST", [activity], zone=zone, base_url=base_url, now=now)
    return bytes(calendar.to_ical())
