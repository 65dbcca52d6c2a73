"""The calendar's pages (DOMAIN §9): the public feed at its secret URL, an activity's
invitation, and the agenda's subscription card (make a URL, a new one, or revoke it)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from kam.core.errors import DomainError
from kam.engagement.activities.views import agenda_page
from kam.engagement.calendar.ics import CONTENT_TYPE, feed_ics, invitation_ics
from kam.engagement.calendar.selectors import (
    company_zone,
    feed_activities,
    feed_find,
    invitation_activity,
    subscription,
)
from kam.engagement.calendar.services import feed_create, feed_revoke, feed_touch
from kam.org.http import AuthedRequest


def base_url(request: HttpRequest) -> str:
    """The scheme and host the links in an .ics file start with."""
    return request.build_absolute_uri("/").rstrip("/")


def feed_link(request: HttpRequest, raw: str) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[raw]))


def _etag(body: bytes) -> str:
    """The body's tag without its DTSTAMP lines (the moment of each fetch): unchanged
    activities answer 304 to a client that sends it back."""
    lines = [line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP:")]
    return quote_etag(hashlib.sha256(b"\r\n".join(lines)).hexdigest()[:32])


@require_safe
def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The user's feed (no sign-in: the URL's secret is the key); an unknown or revoked
    token answers 404. In the user's language; records the fetch (at most every few
    minutes)."""
    feed = feed_find(token)
    if feed is None:
        raise Http404
    user = feed.user
    now = timezone.now()
    activities = list(feed_activities(user, now=now))
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = feed_ics(
            activities, user=user, zone=company_zone(), base_url=base_url(request), now=now
        )
    feed_touch(feed, now=now)
    etag = _etag(body)
    modified = max((row.updated_at for row in activities), default=feed.created_at)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = 'inline; filename="kam.ics"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def invitation_response(body: bytes, activity_id: int) -> HttpResponse:
    """An invitation as a file to download (the page's and the API's)."""
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="activity-{activity_id}.ics"'
    return response


@login_required
@require_GET
def invitation_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """One planned activity as an .ics invitation; another manager's answers 404."""
    activity = invitation_activity(actor=request.user, activity_id=activity_id)
    body = invitation_ics(
        activity, zone=company_zone(), base_url=base_url(request), now=timezone.now()
    )
    return invitation_response(body, activity.pk)


def _answer(request: AuthedRequest, link: str = "") -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "engagement/calendar/_subscription.html",
            {"calendar": subscription(request.user, link)},
        )
    if link:
        return agenda_page(request, calendar=subscription(request.user, link))
    return redirect("agenda")


@login_required
@require_POST
def feed_create_view(request: AuthedRequest) -> HttpResponse:
    """Make the user's subscription URL, or a new one in place of the old (which stops
    working); the URL is shown this once."""
    try:
        _feed, raw = feed_create(actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _answer(request)
    return _answer(request, feed_link(request, raw))


@login_required
@require_POST
def feed_revoke_view(request: AuthedRequest) -> HttpResponse:
    """Revoke the subscription URL: calendars subscribed to it stop updating."""
    if feed_revoke(actor=request.user) and not request.htmx:
        messages.success(request, _("The calendar subscription URL is revoked."))
    return _answer(request)
