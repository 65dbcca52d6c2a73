"""Content Security Policy: scripts only from our own static files (no inline, no CDN);
a page whose write met a held database lock answers 503 "busy", never 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from kam.core.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS, database_busy

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API's interactive docs load their own assets; everything else gets the policy.
        if not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class DatabaseBusyMiddleware:
    """A view's write that still met the store's write lock after the busy timeout: a 503
    page saying so, with Retry-After (kam.core.busy). Nothing was written: the view's
    transaction rolled back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        template = "web/busy.html#message" if request.headers.get("HX-Request") else "web/busy.html"
        response = HttpResponse(
            render_to_string(template, {"message": BUSY_MESSAGE}, request=request), status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
