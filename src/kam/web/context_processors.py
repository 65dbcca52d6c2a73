"""The navigation every page shows; later areas add their entries here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from kam.org.selectors import notifications_unread_count


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    section: str


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "inbox_unread": 0}
    items = [
        NavItem(_("Dashboard"), reverse("dashboard"), "dashboard"),
        NavItem(_("Agenda"), reverse("agenda"), "agenda"),
        NavItem(_("Accounts"), reverse("account_list"), "accounts"),
        NavItem(_("Portfolio"), reverse("portfolio_matrix"), "portfolio"),
        NavItem(_("Risk"), reverse("risk_list"), "risk"),
        NavItem(_("Alerts"), reverse("portfolio_alerts"), "alerts"),
        NavItem(_("Complaints"), reverse("complaint_list"), "complaints"),
        NavItem(_("Competitors"), reverse("competitor_move_list"), "competitors"),
        NavItem(_("Imports"), reverse("import_list"), "imports"),
    ]
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    # One COUNT, and only when a template shows it (a fragment that does not pays nothing).
    unread = SimpleLazyObject(lambda: notifications_unread_count(user))
    return {"nav_items": items, "inbox_unread": unread}
