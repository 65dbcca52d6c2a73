"""Writes of the calendar feed (DOMAIN §9): make one (or a new URL in place of the old) and
revoke it. The URL's secret is 256-bit random; only its hash is stored, so the URL is
returned once, at its making, and cannot be shown again."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.core.errors import PermissionDenied
from kam.engagement.calendar.models import CalendarFeed
from kam.engagement.calendar.selectors import TOKEN_PREFIX
from kam.org.models import User, hash_token

# A fetch is recorded at most this often: clients poll, and a write per poll is waste.
TOUCH_EVERY = dt.timedelta(minutes=5)


def _require_active(actor: User) -> None:
    if not actor.is_active:
        raise PermissionDenied(_("This user cannot sign in."))


@transaction.atomic
def feed_create(*, actor: User) -> tuple[CalendarFeed, str]:
    """The actor's feed with a new secret; an existing one is replaced, so its URL stops
    working at once (§9). Returns the feed and the raw token (shown once). Any user who can
    sign in may have one: it publishes only their own activities."""
    _require_active(actor)
    CalendarFeed.objects.filter(user=actor).delete()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, token_hash=hash_token(raw))
    return feed, raw


@transaction.atomic
def feed_revoke(*, actor: User) -> bool:
    """Delete the actor's feed: its URL answers 404 from now on. True when there was one;
    revoking twice is harmless."""
    deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
    return deleted > 0


def feed_touch(feed: CalendarFeed, *, now: dt.datetime | None = None) -> None:
    """Record a fetch: one conditional UPDATE, only when the last record is TOUCH_EVERY old."""
    now = now or timezone.now()
    if feed.last_fetched_at is not None and now - feed.last_fetched_at < TOUCH_EVERY:
        return
    stale = Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=now - TOUCH_EVERY)
    CalendarFeed.objects.filter(stale, pk=feed.pk).update(last_fetched_at=now)
    feed.last_fetched_at = now
