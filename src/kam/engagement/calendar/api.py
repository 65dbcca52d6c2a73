"""API: the user's calendar feed (make or rotate, look, revoke) and an activity's .ics
invitation (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from kam.core.schemas import ERROR_CODES, ErrorOut, PathId
from kam.engagement.calendar.ics import invitation_ics
from kam.engagement.calendar.models import CalendarFeed
from kam.engagement.calendar.selectors import company_zone, feed_of, invitation_activity
from kam.engagement.calendar.services import feed_create, feed_revoke
from kam.engagement.calendar.views import base_url, feed_link, invitation_response

router = Router(tags=["calendar"])
CALENDAR_TYPE = "text/calendar"


class CalendarFeedOut(Schema):
    exists: bool
    created_at: dt.datetime | None = None
    last_fetched_at: dt.datetime | None = None
    # Only in the answer that made it: the URL cannot be shown again.
    url: str | None = None


def _out(feed: CalendarFeed | None, url: str | None = None) -> CalendarFeedOut:
    if feed is None:
        return CalendarFeedOut(exists=False)
    return CalendarFeedOut(
        exists=True, created_at=feed.created_at, last_fetched_at=feed.last_fetched_at, url=url
    )


@router.get("/calendar-feed", response={200: CalendarFeedOut, ERROR_CODES: ErrorOut})
def get_calendar_feed(request: Any) -> CalendarFeedOut:
    """Whether the reader has a subscription URL, when it was made and last fetched (the
    URL itself is shown only when made)."""
    return _out(feed_of(request.user))


@router.post("/calendar-feed", response={201: CalendarFeedOut, ERROR_CODES: ErrorOut})
def create_calendar_feed(request: Any) -> Status[CalendarFeedOut]:
    """A new subscription URL for the reader's planned activities (iCalendar, RFC 5545); an
    existing URL is replaced and stops working. The URL is in this answer only."""
    feed, raw = feed_create(actor=request.user)
    return Status(201, _out(feed, feed_link(request, raw)))


@router.delete("/calendar-feed", response={204: None, ERROR_CODES: ErrorOut})
def delete_calendar_feed(request: Any) -> Status[None]:
    """Revoke the reader's subscription URL (harmless when there is none)."""
    feed_revoke(actor=request.user)
    return Status(204, None)


@router.get(
    "/activities/{activity_id}/invite.ics",
    response={200: None, ERROR_CODES: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The activity as an iCalendar invitation (RFC 5545, REQUEST).",
                "content": {CALENDAR_TYPE: {}},
            }
        }
    },
)
def download_activity_invitation(request: Any, activity_id: PathId) -> HttpResponse:
    """One planned activity as an .ics invitation to open in a calendar."""
    activity = invitation_activity(actor=request.user, activity_id=activity_id)
    body = invitation_ics(
        activity, zone=company_zone(), base_url=base_url(request), now=timezone.now()
    )
    return invitation_response(body, activity.pk)
