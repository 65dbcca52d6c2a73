"""Reads of alerts, every one through the visibility rule (DOMAIN §13)."""

from __future__ import annotations

from django.core.paginator import Page
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.selectors import accounts_visible_to
from kam.alerts.models import Alert
from kam.core.paging import page_of
from kam.org.models import User


def alerts_visible_to(actor: User) -> QuerySet[Alert]:
    return Alert.objects.filter(account__in=accounts_visible_to(actor)).select_related(
        "account", "acknowledged_by"
    )


def alert_list(
    *,
    actor: User,
    open_only: bool = True,
    acknowledged: bool | None = None,
    kind: str | None = None,
    account_id: int | None = None,
) -> QuerySet[Alert]:
    rows = alerts_visible_to(actor)
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    if open_only:
        rows = rows.filter(is_open=True)
    if acknowledged is not None:
        rows = rows.filter(acknowledged_at__isnull=not acknowledged)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-id")


def alert_page(
    *,
    actor: User,
    open_only: bool = True,
    acknowledged: bool | None = None,
    page: str | None,
    per_page: str | None = None,
) -> Page:
    """One bounded page of alert_list, newest first."""
    rows = alert_list(actor=actor, open_only=open_only, acknowledged=acknowledged)
    return page_of(rows, page=page, per_page=per_page)


def alert_get(*, actor: User, alert_id: int) -> Alert:
    """Missing and not-visible raise the same Http404 (DOMAIN §13)."""
    return get_object_or_404(alerts_visible_to(actor), pk=alert_id)
