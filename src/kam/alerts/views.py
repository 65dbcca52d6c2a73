"""The alerts page, one alert's page and the workflow's actions (DOMAIN §10)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.selectors import account_notes
from kam.alerts.actions import alert_actions
from kam.alerts.models import Alert, AlertSeverity, AlertState
from kam.alerts.registry import kinds
from kam.alerts.selectors import (
    ACTIVE,
    STATE_FILTERS,
    AlertFilters,
    alert_assignees,
    alert_comments,
    alert_counts_by_state,
    alert_follow_ups,
    alert_get,
    alert_page,
)
from kam.alerts.services import (
    alert_acknowledge,
    alert_assign,
    alert_comment_add,
    alert_follow_up_link,
    alert_follow_up_note,
    alert_reopen,
    alert_resolve,
)
from kam.core.http import safe_next
from kam.core.moves import PageMoves
from kam.core.paging import page_links, page_request, without_page
from kam.org.http import AuthedRequest
from kam.org.selectors import base_currency


def _filters(request: AuthedRequest) -> AlertFilters:
    get = request.GET
    state = get.get("state") or ACTIVE
    # The older tabs (?show=open|unacknowledged|all) keep working.
    show = get.get("show")
    if show == "all":
        state = "all"
    elif show == "unacknowledged":
        state = AlertState.OPEN
    known_kinds = {kind.code for kind in kinds()}
    return AlertFilters(
        state=state if state in STATE_FILTERS else ACTIVE,
        mine=get.get("mine") == "1",
        unassigned=get.get("unassigned") == "1",
        kind=get.get("kind") if get.get("kind") in known_kinds else None,
        severity=get.get("severity") if get.get("severity") in AlertSeverity.values else None,
    )


@login_required
def alerts_view(request: AuthedRequest) -> HttpResponse:
    """The visible alerts under the filters, newest first, with the count of each state."""
    filters = _filters(request)
    page = alert_page(actor=request.user, filters=filters, **page_request(request.GET))
    query = without_page(request.GET)
    query.pop("show", None)
    counts = alert_counts_by_state(request.user, filters)
    state_query = query.copy()
    state_query.pop("state", None)
    return render(
        request,
        "alerts/alerts.html",
        {
            "section": "alerts",
            "alerts": page.object_list,
            "page": page,
            "page_links": page_links(page, query),
            "count": page.paginator.count,
            "filters": filters,
            "states": [(state, label, counts[state]) for state, label in _state_labels()],
            "state_query": state_query.urlencode(),
            "kinds": kinds(),
            "severities": AlertSeverity.choices,
            "currency": base_currency(),
        },
    )


def _state_labels() -> list[tuple[str, str]]:
    return [
        (ACTIVE, _("Needs attention")),
        (AlertState.OPEN, _("Open")),
        (AlertState.ACKNOWLEDGED, _("Acknowledged")),
        (AlertState.RESOLVED, _("Resolved")),
        ("all", _("All")),
    ]


@login_required
def alert_detail_view(request: AuthedRequest, alert_id: int) -> HttpResponse:
    """One alert: its cause, its state, who has it, its discussion and follow-ups."""
    alert = alert_get(actor=request.user, alert_id=alert_id)
    linked = {target.id for _link, target in alert_follow_ups(alert) if target is not None}
    return render(
        request,
        "alerts/alert_detail.html",
        {
            "section": "alerts",
            "alert": alert,
            "comments": alert_comments(alert),
            "follow_ups": alert_follow_ups(alert),
            "actions": alert_actions(request.user, alert),
            "assignees": alert_assignees(alert),
            "notes": [n for n in account_notes(account=alert.account)[:50] if n.pk not in linked],
            "currency": base_currency(),
        },
    )


# Each move and action on one alert: posted from its page (or a list's `next`), back there.
_ALERT = PageMoves[Alert](
    param="alert_id",
    load=lambda request, pk: alert_get(actor=request.user, alert_id=pk),
    back=lambda request, pk: safe_next(request, reverse("alert_detail", args=[pk])),
)

alert_acknowledge_view = _ALERT.view(
    lambda request, alert: alert_acknowledge(
        actor=request.user, alert=alert, comment=request.POST.get("comment", "")
    ),
    gettext_lazy("Alert acknowledged."),
)
alert_resolve_view = _ALERT.view(
    lambda request, alert: alert_resolve(
        actor=request.user, alert=alert, reason=request.POST.get("reason", "")
    ),
    gettext_lazy("Alert resolved."),
)
alert_reopen_view = _ALERT.view(
    lambda request, alert: alert_reopen(
        actor=request.user, alert=alert, comment=request.POST.get("comment", "")
    ),
    gettext_lazy("Alert reopened."),
)


def _assign(request: AuthedRequest, alert: Alert) -> object:
    raw = request.POST.get("assignee", "")
    assignee_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
    return alert_assign(actor=request.user, alert=alert, assignee_id=assignee_id)


def _follow_up(request: AuthedRequest, alert: Alert) -> object:
    body = request.POST.get("note", "").strip()
    if body:
        return alert_follow_up_note(actor=request.user, alert=alert, body=body)
    raw = request.POST.get("note_id", "")
    target = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    return alert_follow_up_link(
        actor=request.user, alert=alert, target_type="note", target_id=target
    )


alert_assign_view = _ALERT.view(_assign, gettext_lazy("Assignment saved."))
alert_comment_view = _ALERT.view(
    lambda request, alert: alert_comment_add(
        actor=request.user, alert=alert, body=request.POST.get("body", "")
    ),
    gettext_lazy("Comment added."),
)
alert_follow_up_view = _ALERT.view(_follow_up, gettext_lazy("Follow-up linked."))
