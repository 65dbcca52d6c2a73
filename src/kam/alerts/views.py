"""The alerts page and its acknowledge action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kam.alerts.selectors import alert_get, alert_list
from kam.alerts.services import alert_acknowledge
from kam.core.errors import DomainError
from kam.core.http import safe_next
from kam.org.http import AuthedRequest


@login_required
def alerts_view(request: AuthedRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    rows = alert_list(
        actor=request.user,
        open_only=show != "all",
        acknowledged=False if show == "unacknowledged" else None,
    )
    return render(
        request,
        "alerts/alerts.html",
        {"section": "alerts", "alerts": rows[:300], "count": rows.count(), "show": show},
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
