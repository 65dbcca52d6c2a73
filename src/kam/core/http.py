"""Request types for views and API handlers behind authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from kam.org.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is signed in (login_required or API auth has run)."""

    user: User
    htmx: HtmxDetails


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The form's `next` address when it stays on this site, else `fallback`."""
    next_url = request.POST.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback
