"""The inbox page: the signed-in user's notifications, opening and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kam.core.paging import page_links
from kam.org.http import AuthedRequest
from kam.org.selectors import notification_get, notification_page
from kam.org.services import notification_mark_read, notifications_mark_all_read


@login_required
def inbox_view(request: AuthedRequest) -> HttpResponse:
    """The user's notifications, unread first, one bounded page at a time."""
    page = notification_page(
        actor=request.user, page=request.GET.get("page"), per_page=request.GET.get("per_page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/inbox.html",
        {"page": page, "page_links": page_links(page, query), "section": "inbox"},
    )


@login_required
def inbox_open_view(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way (only the reader's own
    bookkeeping changes, so a plain link does it)."""
    notification = notification_mark_read(
        notification=notification_get(actor=request.user, notification_id=notification_id)
    )
    link = notification.link
    if not link or not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect("inbox")
    return HttpResponseRedirect(link)


@login_required
@require_POST
def inbox_mark_read_view(request: AuthedRequest, notification_id: int) -> HttpResponse:
    notification_mark_read(
        notification=notification_get(actor=request.user, notification_id=notification_id)
    )
    return redirect("inbox")


@login_required
@require_POST
def inbox_mark_all_read_view(request: AuthedRequest) -> HttpResponse:
    marked = notifications_mark_all_read(actor=request.user)
    messages.success(
        request,
        _("Nothing was unread.")
        if not marked
        else ngettext(
            "%(count)s notification marked read.", "%(count)s notifications marked read.", marked
        )
        % {"count": marked},
    )
    return redirect("inbox")
