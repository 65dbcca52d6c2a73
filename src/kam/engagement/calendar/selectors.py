"""Reads for the calendar (DOMAIN §9): the user's feed, the activities it publishes, and the
activity an invitation is made of. Every read for a person starts from the accounts they see
(§13): an activity of an account the reader no longer sees leaves their feed, and another
manager's activity answers 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from kam.engagement.activities.models import Activity, ActivityStatus
from kam.engagement.activities.selectors import activities_visible_to, activity_get
from kam.engagement.calendar.models import CalendarFeed
from kam.org.models import User, hash_token

# The feed's window (docs/rules.md "Calendar"): activities planned from this many weeks back
# to this many days ahead; a cancelled one stays (STATUS:CANCELLED) this many days after it
# was cancelled, so subscribed clients take it out of their calendars, then leaves the feed.
FEED_WEEKS_BACK = 8
FEED_DAYS_AHEAD = 365
CANCELLED_DAYS = 30
# A bound on one feed's size whatever the data: the soonest first past the window's start.
FEED_LIMIT = 2000
# Feed tokens start with this, so a stray one is recognisable (and rejected cheaply).
TOKEN_PREFIX = "kcal_"  # noqa: S105 (a prefix, not a secret)


def company_zone() -> ZoneInfo:
    """The company's time zone (Django's TIME_ZONE, KAM_TIME_ZONE): the events' TZID."""
    zone = timezone.get_default_timezone()
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def feed_of(user: User) -> CalendarFeed | None:
    """The user's feed, if they made one."""
    return CalendarFeed.objects.filter(user=user).first()


@dataclass(frozen=True)
class Subscription:
    """What the agenda's subscription card shows: the feed, if any, and its URL the one
    time it is shown (just after it was made)."""

    feed: CalendarFeed | None
    link: str = ""


def subscription(user: User, link: str = "") -> Subscription:
    return Subscription(feed_of(user), link)


def feed_find(raw: str) -> CalendarFeed | None:
    """The feed a URL's token names; None for an unknown or revoked token, or a user who can
    no longer sign in (the URL then answers 404 as a wrong one does)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )


def feed_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The moments the feed publishes activities between (start inclusive, end exclusive)."""
    now = now or timezone.now()
    return now - dt.timedelta(weeks=FEED_WEEKS_BACK), now + dt.timedelta(days=FEED_DAYS_AHEAD)


def _with_sequence(rows: QuerySet[Activity]) -> QuerySet[Activity]:
    """Each activity's revision number (its history rows less one): the events' SEQUENCE,
    which rises with every saved change, so clients replace their copy."""
    revisions = (
        Activity.history.model.objects.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return rows.annotate(revisions=Coalesce(Subquery(revisions, output_field=IntegerField()), 1))


def _for_calendar(rows: QuerySet[Activity]) -> QuerySet[Activity]:
    return _with_sequence(
        rows.select_related("account", "owner").prefetch_related(
            "our_participants", "their_participants"
        )
    )


def feed_activities(user: User, *, now: dt.datetime | None = None) -> QuerySet[Activity]:
    """What the user's feed publishes (§9, docs/rules.md "Calendar"): the activities with a
    planned time inside the window that they own or take part in, on accounts they see —
    planned and done ones, and cancelled ones for CANCELLED_DAYS after the cancelling; the
    soonest first, at most FEED_LIMIT. A fixed number of queries."""
    now = now or timezone.now()
    start, end = feed_window(now)
    mine = Activity.objects.filter(Q(owner=user) | Q(our_participants=user)).values("pk")
    recently_cancelled = Q(
        status=ActivityStatus.CANCELLED, updated_at__gte=now - dt.timedelta(days=CANCELLED_DAYS)
    )
    rows = (
        activities_visible_to(user)
        .filter(pk__in=mine, planned_for__gte=start, planned_for__lt=end)
        .filter(Q(status__in=[ActivityStatus.PLANNED, ActivityStatus.DONE]) | recently_cancelled)
        .order_by("planned_for", "pk")
    )
    return _for_calendar(rows)[:FEED_LIMIT]


def invitation_activity(*, actor: User, activity_id: int) -> Activity:
    """The activity an invitation is made of, with what the event names; missing, not
    visible to the actor, or without a planned time raise the same Http404 (§13)."""
    found = activity_get(actor=actor, activity_id=activity_id)
    rows = _for_calendar(Activity.objects.filter(pk=found.pk, planned_for__isnull=False))
    activity = rows.first()
    if activity is None:
        raise Http404
    return activity
