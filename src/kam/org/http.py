"""The request type of views and API handlers behind authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from kam.org.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is signed in (login_required or API auth has run)."""

    user: User
    htmx: HtmxDetails
