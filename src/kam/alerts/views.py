"""The alerts page and its acknowledge action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kam.alerts.selectors import alert_get, alert_page
from kam.alerts.services import alert_acknowledge
from kam.core.errors import DomainError
from kam.core.http import safe_next
from kam.core.paging import page_links
from kam.org.http import AuthedRequest


@login_required
def alerts_view(request: AuthedRequest) -> HttpResponse:
    """The visible alerts, newest first, one bounded page at a time."""
    show = request.GET.get("show", "open")
    page = alert_page(
        actor=request.user,
        open_only=show != "all",
        acknowledged=False if show == "unacknowledged" else None,
        page=request.GET.get("page"),
        per_page=request.GET.get("per_page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "alerts/alerts.html",
        {
            "section": "alerts",
            "alerts": page.object_list,
            "page": page,
            "page_links": page_links(page, query),
            "count": page.paginator.count,
            "show": show,
        },
    )


@login_required
@require_POST
def alert_acknowledge_view(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = alert_get(actor=request.user, alert_id=alert_id)
    try:
        alert_acknowledge(actor=request.user, alert=alert)
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(safe_next(request, reverse("portfolio_alerts")))
