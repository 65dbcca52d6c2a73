"""The site's error pages: 404, 403 and 500 inside the layout, in the reader's language, each
with a way back (issue 16 part 9).

404 and 403 render with the request (the navigation, the signed-in user). The 500 page must
work when what failed is the database or the request itself, so it renders without the
request's context (no session, no user, no query) and, should even that fail, answers a
short page of plain HTML.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The last resort of the 500 page: no template, no translation catalog, both languages.
BARE_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Server error · kam</title></head>"
    '<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; '
    'padding: 0 1rem">'
    "<h1>Something went wrong on our side</h1><p>The error has been logged. "
    'Try again in a moment, or go back to the <a href="/">dashboard</a>.</p>'
    '<h1 lang="zh-hans">服务器出错了</h1><p lang="zh-hans">错误已记录。请稍后重试，或返回'
    '<a href="/">工作台</a>。</p></body></html>'
)


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page: what is missing (or not yours, §13: the same answer) and where to go."""
    return render(
        request,
        "web/error.html",
        {
            "status": 404,
            "heading": _("Page not found"),
            "explanation": _(
                "There is no such page, or it shows something you may not see. "
                "Check the address, or start again from one of the pages below."
            ),
        },
        status=404,
    )


def forbidden_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page: the reader may see this but not do it."""
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "heading": _("Not allowed"),
            "explanation": _(
                "Your role does not allow this. Ask a director or an administrator "
                "if you need it done."
            ),
        },
        status=403,
    )


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (a page left open across a sign-out, or cookies
    blocked): the 403 page, saying what to do instead of Django's bare page."""
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "heading": _("This form has expired"),
            "explanation": _(
                "The page was open too long, or you signed out and in again meanwhile. "
                "Go back, reload the page and send the form again. Cookies must be allowed "
                "for kam."
            ),
        },
        status=403,
    )


def server_error_view(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request so a failing database or session cannot
    fail it too; plain HTML if the template cannot be rendered either."""
    try:
        html = loader.get_template("web/500.html").render({"status": 500})
    except Exception:
        logger.exception("the 500 page could not be rendered")
        html = BARE_500
    return HttpResponseServerError(html)
